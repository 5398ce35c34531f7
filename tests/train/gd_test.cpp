#include "ptlab/train/gd.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ptlab;

namespace {

struct Setup {
  data::Dataset train, test;
  model::Weights W0;
  model::ModelOptions model{.m = 4, .sigma_0 = 0.1};
};

Setup setup(std::uint64_t seed = 1) {
  const data::FrameOptions f{.d = 40, .norm_u = 1.0, .theta = 90, .n_test = 200};
  const data::TaskOptions t{.n = 30, .norm_v = 1.0, .sigma_p = 0.5};
  const auto s = data::make_signals(f, t, 1);
  core::Rng rng(seed);
  Setup out;
  out.train = data::sample(f, t, s, 30, rng);
  out.test = data::sample(f, t, s, 200, rng);
  out.W0 = model::init_weights(out.model, f.d, rng);
  return out;
}

}  // namespace

TEST(Gd, OneStepIsTheGradientStepWithWeightDecay) {
  auto s = setup();
  const train::GdOptions opt{.steps = 1, .eta = 0.5, .weight_decay = 0.01, .curve_every = 1};
  const auto r = train::gradient_descent(s.W0, {}, s.train, s.test, s.model, opt);
  model::Evaluator ev(s.model, s.train);
  model::Weights g(s.W0.rows(), s.W0.cols());
  ev.loss_and_gradient(s.W0, &g);
  const model::Weights expected = s.W0 - 0.5 * (g + 0.01 * s.W0);
  EXPECT_LT((r.W - expected).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_EQ(r.steps, 1);
  EXPECT_EQ(r.status, train::Status::completed);
}

TEST(Gd, TrainingReducesLossAndFitsTheTrainingSet) {
  auto s = setup();
  const auto r = train::gradient_descent(s.W0, {}, s.train, s.test, s.model, {.steps = 300, .eta = 1.0});
  ASSERT_GE(r.curve.size(), 2u);
  EXPECT_LT(r.train_loss, 0.5 * r.curve.front().train_loss);
  EXPECT_EQ(r.train_error, 0.0);
}

TEST(Gd, StopsEarlyOnceLossIsBelowEps) {
  auto s = setup();
  const auto r = train::gradient_descent(s.W0, {}, s.train, s.test, s.model,
                                         {.steps = 100000, .eta = 1.0, .eps = 0.05});
  EXPECT_EQ(r.status, train::Status::converged);
  EXPECT_LT(r.steps, 100000);
  EXPECT_LE(r.train_loss, 0.05);
  EXPECT_GT(r.curve[r.curve.size() - 2].train_loss, 0.05);
}

TEST(Gd, CurveHasStepZeroEveryKStepsAndTheEnd) {
  auto s = setup();
  const auto r = train::gradient_descent(s.W0, {}, s.train, s.test, s.model,
                                         {.steps = 23, .eta = 0.1, .curve_every = 10});
  ASSERT_EQ(r.curve.size(), 4u);
  EXPECT_EQ(r.curve[0].step, 0);
  EXPECT_EQ(r.curve[1].step, 10);
  EXPECT_EQ(r.curve[2].step, 20);
  EXPECT_EQ(r.curve[3].step, 23);
  EXPECT_EQ(r.curve.back().test_error, r.test_error);
}

TEST(Gd, MaskedEntriesNeverChange) {
  auto s = setup();
  Eigen::MatrixXd mask = Eigen::MatrixXd::Ones(s.W0.rows(), s.W0.cols());
  mask.row(0).setZero();
  mask.row(5).setZero();
  mask(3, 7) = 0.0;
  const auto r = train::gradient_descent(s.W0, mask, s.train, s.test, s.model,
                                         {.steps = 50, .eta = 1.0, .weight_decay = 0.1});
  EXPECT_EQ(r.W.row(0), s.W0.row(0));
  EXPECT_EQ(r.W.row(5), s.W0.row(5));
  EXPECT_EQ(r.W(3, 7), s.W0(3, 7));
  EXPECT_NE(r.W.row(1), s.W0.row(1));
}

TEST(Gd, DivergenceIsAStatusWithTheStepNotANumber) {
  auto s = setup();
  s.model.activation = model::Activation::poly_relu;
  s.model.q = 3.0;
  const auto r = train::gradient_descent(s.W0, {}, s.train, s.test, s.model, {.steps = 1000, .eta = 1e8});
  EXPECT_EQ(r.status, train::Status::diverged);
  EXPECT_GT(r.steps, 0);
  EXPECT_LT(r.steps, 1000);
  EXPECT_TRUE(std::isnan(r.test_error));
  EXPECT_TRUE(std::isnan(r.train_loss));
}
