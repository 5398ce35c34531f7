#include "ptlab/model/cnn.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ptlab;

namespace {

struct Problem {
  data::Dataset data;
  model::Weights W;
};

Problem small_problem(const model::ModelOptions& opt, std::uint64_t seed) {
  const data::FrameOptions f{.d = 12, .layout = data::Layout::separate, .norm_u = 1.0, .theta = 90};
  const data::TaskOptions t{.n = 9, .norm_v = 1.0, .sigma_p = 0.8, .p = 0.2};
  core::Rng rng(seed);
  auto data = data::sample(f, t, data::make_signals(f, t, 1), 9, rng);
  model::ModelOptions init = opt;
  init.sigma_0 = 0.5;  // large enough that the network is far from zero
  auto W = model::init_weights(init, f.d, rng);
  return {std::move(data), std::move(W)};
}

double loss_at(const model::ModelOptions& opt, const data::Dataset& data, const model::Weights& W) {
  model::Evaluator ev(opt, data);
  return ev.loss_and_gradient(W, nullptr);
}

void expect_gradient_matches_finite_differences(const model::ModelOptions& opt) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    auto [data, W] = small_problem(opt, seed);
    model::Evaluator ev(opt, data);
    model::Weights grad(W.rows(), W.cols());
    ev.loss_and_gradient(W, &grad);
    model::Weights fd(W.rows(), W.cols());
    const double h = 1e-6;
    for (Eigen::Index r = 0; r < W.rows(); ++r)
      for (Eigen::Index c = 0; c < W.cols(); ++c) {
        model::Weights plus = W, minus = W;
        plus(r, c) += h;
        minus(r, c) -= h;
        fd(r, c) = (loss_at(opt, data, plus) - loss_at(opt, data, minus)) / (2 * h);
      }
    EXPECT_LT((grad - fd).norm() / grad.norm(), 1e-6) << model::to_string(opt.activation) << " seed " << seed;
  }
}

}  // namespace

TEST(Cnn, GradientMatchesFiniteDifferencesRelu) {
  expect_gradient_matches_finite_differences({.m = 3, .activation = model::Activation::relu});
}

TEST(Cnn, GradientMatchesFiniteDifferencesLeakyRelu) {
  expect_gradient_matches_finite_differences(
      {.m = 3, .activation = model::Activation::leaky_relu, .leaky_slope = 0.2});
}

TEST(Cnn, GradientMatchesFiniteDifferencesPolyRelu) {
  expect_gradient_matches_finite_differences({.m = 3, .activation = model::Activation::poly_relu, .q = 3.0});
}

TEST(Cnn, LogisticLossIsStableAtExtremeMargins) {
  EXPECT_DOUBLE_EQ(model::logistic_loss(0.0), std::log(2.0));
  EXPECT_DOUBLE_EQ(model::logistic_loss(-1000.0), 1000.0);
  EXPECT_GE(model::logistic_loss(1000.0), 0.0);
  EXPECT_LT(model::logistic_loss(1000.0), 1e-300);
  EXPECT_NEAR(model::logistic_loss(40.0), std::exp(-40.0), 1e-30);
  EXPECT_DOUBLE_EQ(model::logistic_loss_grad(0.0), -0.5);
  EXPECT_DOUBLE_EQ(model::logistic_loss_grad(-1000.0), -1.0);
  EXPECT_EQ(model::logistic_loss_grad(1000.0), -0.0);
  EXPECT_NEAR(model::logistic_loss_grad(3.0), -1.0 / (1.0 + std::exp(3.0)), 1e-16);
}

TEST(Cnn, OutputsMatchAPerSampleReferenceLoop) {
  const model::ModelOptions opt{.m = 4, .activation = model::Activation::relu};
  auto [data, W] = small_problem(opt, 11);
  const Eigen::VectorXd f = model::outputs(opt, W, data.X, data.P);
  for (int i = 0; i < data.n(); ++i) {
    double ref = 0;
    for (int j = 0; j < 2; ++j)
      for (int r = 0; r < opt.m; ++r)
        for (int p = 0; p < data.P; ++p) {
          const double z = W.row(j * opt.m + r).dot(data.X.col(i * data.P + p));
          ref += (j == 0 ? 1.0 : -1.0) / opt.m * std::max(z, 0.0);
        }
    EXPECT_NEAR(f(i), ref, 1e-12);
  }
  model::Evaluator ev(opt, data);
  ev.loss_and_gradient(W, nullptr);
  EXPECT_TRUE(ev.outputs().isApprox(f, 1e-14));
}

TEST(Cnn, ErrorRateCountsTiesAsHalfAnError) {
  Eigen::VectorXd f(4), y(4);
  f << 1.0, -2.0, 0.0, 3.0;
  y << 1.0, 1.0, 1.0, -1.0;
  EXPECT_DOUBLE_EQ(model::error_rate(f, y), 2.5 / 4);
  EXPECT_DOUBLE_EQ(model::error_rate(Eigen::VectorXd::Zero(4), y), 0.5);
}

TEST(Cnn, ActivationsAndTheirDerivatives) {
  const model::ModelOptions leaky{.activation = model::Activation::leaky_relu, .leaky_slope = 0.1};
  const model::ModelOptions poly{.activation = model::Activation::poly_relu, .q = 3.0};
  EXPECT_DOUBLE_EQ(model::activate(leaky, -2.0), -0.2);
  EXPECT_DOUBLE_EQ(model::activate_grad(leaky, -2.0), 0.1);
  EXPECT_DOUBLE_EQ(model::activate(poly, 2.0), 8.0);
  EXPECT_DOUBLE_EQ(model::activate_grad(poly, 2.0), 12.0);
  EXPECT_DOUBLE_EQ(model::activate(poly, -2.0), 0.0);
}
