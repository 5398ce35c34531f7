#include "ptlab/data/task.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

using namespace ptlab;

namespace {
data::FrameOptions frame(int d, data::Layout layout = data::Layout::shared, double theta = 90) {
  return data::FrameOptions{.d = d, .layout = layout, .norm_u = 1.5, .theta = theta, .n_test = 10};
}
}  // namespace

TEST(Task, SignalFrameHasTheRequestedNormsAndAngle) {
  const auto f = frame(10, data::Layout::shared, 60);
  const data::TaskOptions t1{.n = 1, .norm_v = 2.0}, t2{.n = 1, .norm_v = 3.0};
  const auto s1 = data::make_signals(f, t1, 1);
  const auto s2 = data::make_signals(f, t2, 2);
  EXPECT_DOUBLE_EQ(s1.u.norm(), 1.5);
  EXPECT_DOUBLE_EQ(s1.v.norm(), 2.0);
  EXPECT_NEAR(s2.v.norm(), 3.0, 1e-15);
  EXPECT_EQ(s1.u.dot(s1.v), 0.0);
  EXPECT_EQ(s2.u.dot(s2.v), 0.0);
  EXPECT_NEAR(s1.v.dot(s2.v) / (2.0 * 3.0), std::cos(60 * std::numbers::pi / 180), 1e-15);
}

TEST(Task, SharedLayoutPutsLabelledSignalThenNoise) {
  const auto f = frame(8);
  const data::TaskOptions t{.n = 50, .norm_v = 0.7, .sigma_p = 1.0, .p = 0.3};
  const auto s = data::make_signals(f, t, 1);
  core::Rng rng(1);
  const auto ds = data::sample(f, t, s, 50, rng);
  ASSERT_EQ(ds.X.rows(), 8);
  ASSERT_EQ(ds.X.cols(), 100);
  ASSERT_EQ(ds.P, 2);
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(ds.X.col(2 * i).isApprox(ds.y_true(i) * (s.u + s.v)));
    EXPECT_TRUE(ds.y(i) == ds.y_true(i) || ds.y(i) == -ds.y_true(i));
  }
}

TEST(Task, SeparateLayoutHasThreePatches) {
  const auto f = frame(8, data::Layout::separate);
  const data::TaskOptions t{.n = 20};
  const auto s = data::make_signals(f, t, 2);
  core::Rng rng(2);
  const auto ds = data::sample(f, t, s, 20, rng);
  ASSERT_EQ(ds.P, 3);
  ASSERT_EQ(ds.X.cols(), 60);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(ds.X.col(3 * i), ds.y_true(i) * s.u);
    EXPECT_EQ(ds.X.col(3 * i + 1), ds.y_true(i) * s.v);
  }
}

TEST(Task, NoiseIsOrthogonalToBothSignals) {
  for (const int k : {1, 2}) {
    const auto f = frame(30, data::Layout::shared, 60);  // θ = 60: v_2 mixes e2 and e3
    const data::TaskOptions t{.n = 200, .norm_v = 2.0, .sigma_p = 3.0};
    const auto s = data::make_signals(f, t, k);
    core::Rng rng(3);
    const auto ds = data::sample(f, t, s, 200, rng);
    for (int i = 0; i < 200; ++i) {
      const Eigen::VectorXd xi = ds.X.col(2 * i + 1);
      EXPECT_LT(std::abs(xi.dot(s.u)), 1e-12 * xi.norm() * s.u.norm());
      EXPECT_LT(std::abs(xi.dot(s.v)), 1e-12 * xi.norm() * s.v.norm());
    }
  }
}

TEST(Task, NoiseCovarianceIsSigmaSquaredTimesTheProjector) {
  const int d = 6;
  const double sigma = 1.7;
  const auto f = frame(d, data::Layout::shared, 45);
  const data::TaskOptions t{.n = 1, .norm_v = 1.0, .sigma_p = sigma};
  const auto s = data::make_signals(f, t, 2);
  core::Rng rng(4);
  const int n = 100000;
  const auto ds = data::sample(f, t, s, n, rng);
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);
  for (int i = 0; i < n; ++i) {
    const Eigen::VectorXd xi = ds.X.col(2 * i + 1);
    cov += xi * xi.transpose();
  }
  cov /= n;
  const Eigen::VectorXd bu = s.u.normalized(), bv = s.v.normalized();
  const Eigen::MatrixXd expected =
      sigma * sigma * (Eigen::MatrixXd::Identity(d, d) - bu * bu.transpose() - bv * bv.transpose());
  // Entry-wise standard error is about σ²·√(2/n) ≈ 0.013; allow 5 of them.
  EXPECT_LT((cov - expected).cwiseAbs().maxCoeff(), 5 * sigma * sigma * std::sqrt(2.0 / n));
}

TEST(Task, ZeroNormSignalIsNotProjectedOut) {
  auto f = frame(4);
  f.norm_u = 0.0;
  const data::TaskOptions t{.n = 1, .norm_v = 1.0, .sigma_p = 1.0};
  const auto s = data::make_signals(f, t, 1);
  core::Rng rng(9);
  const auto ds = data::sample(f, t, s, 20000, rng);
  double var_e1 = 0;
  for (int i = 0; i < 20000; ++i) var_e1 += ds.X(0, 2 * i + 1) * ds.X(0, 2 * i + 1);
  EXPECT_NEAR(var_e1 / 20000, 1.0, 0.05);
}

TEST(Task, LabelFlipRateAndBalanceMatchTheirProbabilities) {
  const auto f = frame(3);
  const double p = 0.2;
  const data::TaskOptions t{.n = 1, .sigma_p = 1.0, .p = p};
  const auto s = data::make_signals(f, t, 1);
  core::Rng rng(6);
  const int n = 100000;
  const auto ds = data::sample(f, t, s, n, rng);
  const double flips = (ds.y.array() != ds.y_true.array()).cast<double>().sum() / n;
  const double positives = (ds.y_true.array() > 0).cast<double>().sum() / n;
  const double se = std::sqrt(p * (1 - p) / n);
  EXPECT_NEAR(flips, p, 5 * se);
  EXPECT_NEAR(positives, 0.5, 5 * 0.5 / std::sqrt(n));
}

TEST(Task, NoLabelNoiseMeansObservedEqualsTrue) {
  const auto f = frame(3);
  const data::TaskOptions t{.n = 1, .p = 0.0};
  core::Rng rng(8);
  const auto ds = data::sample(f, t, data::make_signals(f, t, 1), 1000, rng);
  EXPECT_EQ(ds.y, ds.y_true);
}
