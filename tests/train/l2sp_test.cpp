// L2-SP (train::GdOptions::l2sp): the penalty (λ_SP/2)‖R ⊙ (W − W(0))‖² on the anchored entries.
#include <gtest/gtest.h>

#include "ptlab/train/gd.hpp"
#include "ptlab/train/span.hpp"

using namespace ptlab;

namespace {

struct Problem {
  data::Dataset train, test;
  model::ModelOptions model{.m = 4, .activation = model::Activation::leaky_relu, .sigma_0 = 0.1};
  model::Weights W0;
};

Problem problem(std::uint64_t seed, double sigma_0 = 0.1) {
  const data::FrameOptions f{.d = 60, .layout = data::Layout::shared, .norm_u = 1.0, .theta = 90, .n_test = 80};
  const data::TaskOptions t{.n = 16, .norm_v = 1.0, .sigma_p = 0.6, .p = 0.0};
  Problem p;
  const auto signals = data::make_signals(f, t, 2);
  core::Rng rng(seed);
  p.train = data::sample(f, t, signals, t.n, rng);
  p.test = data::sample(f, t, signals, f.n_test, rng);
  p.model.sigma_0 = sigma_0;
  p.W0 = model::init_weights(p.model, f.d, rng);
  return p;
}

Eigen::MatrixXd rows_anchored(const model::Weights& W, std::initializer_list<int> rows) {
  Eigen::MatrixXd R = Eigen::MatrixXd::Zero(W.rows(), W.cols());
  for (const int r : rows) R.row(r).setOnes();
  return R;
}

}  // namespace

// A zero-init model anchored everywhere: W − W(0) = W, so L2-SP is weight decay with λ = λ_SP,
// on both backends (dense bit for bit: the same floating-point operations).
TEST(L2Sp, AnchoredAtZeroIsWeightDecay) {
  Problem p = problem(3);
  p.W0.setZero();
  const Eigen::MatrixXd all = Eigen::MatrixXd::Ones(p.W0.rows(), p.W0.cols());
  for (const auto backend : {train::Backend::dense, train::Backend::span}) {
    const train::GdOptions sp{.steps = 80, .eta = 0.5, .l2sp = 0.2, .curve_every = 20, .backend = backend};
    const train::GdOptions wd{.steps = 80, .eta = 0.5, .weight_decay = 0.2, .curve_every = 20, .backend = backend};
    const auto a = train::gradient_descent(p.W0, {}, p.train, p.test, p.model, sp, {}, all);
    const auto b = train::gradient_descent(p.W0, {}, p.train, p.test, p.model, wd);
    ASSERT_GT(b.W.norm(), 0.0);
    if (backend == train::Backend::dense) {
      EXPECT_EQ(a.W, b.W);
    } else {
      EXPECT_LT((a.W - b.W).norm() / b.W.norm(), 1e-12);
    }
    EXPECT_EQ(a.train_loss, b.train_loss);
  }
}

// λ_SP = 0 with an anchor is exactly the run without one; no anchor makes λ_SP irrelevant.
TEST(L2Sp, ZeroLambdaOrNoAnchorIsThePlainRun) {
  const Problem p = problem(5);
  const Eigen::MatrixXd R = rows_anchored(p.W0, {0, 5});
  const train::GdOptions plain{.steps = 60, .eta = 0.8, .curve_every = 10};
  train::GdOptions sp = plain;
  sp.l2sp = 0.5;
  const auto base = train::gradient_descent(p.W0, {}, p.train, p.test, p.model, plain);
  EXPECT_EQ(train::gradient_descent(p.W0, {}, p.train, p.test, p.model, plain, {}, R).W, base.W);
  EXPECT_EQ(train::gradient_descent(p.W0, {}, p.train, p.test, p.model, sp).W, base.W);
  EXPECT_NE(train::gradient_descent(p.W0, {}, p.train, p.test, p.model, sp, {}, R).W, base.W);
}

// The span backend's closed form (a_r moves towards 1, B_c,r decays) is the dense iteration:
// weights agree to 1e-9 with per-filter anchors, weight decay and frozen filters.
TEST(L2Sp, SpanAgreesWithDense) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const Problem p = problem(seed);
    const Eigen::MatrixXd R = rows_anchored(p.W0, {0, 2, 5});
    Eigen::MatrixXd mask;
    if (seed % 2 == 0) {
      mask = Eigen::MatrixXd::Ones(p.W0.rows(), p.W0.cols());
      mask.row(2).setZero();
    }
    train::GdOptions gd{.steps = 100, .eta = 0.7, .weight_decay = seed % 3 == 0 ? 0.02 : 0.0,
                        .l2sp = 0.1 * static_cast<double>(seed), .curve_every = 25};
    gd.backend = train::Backend::dense;
    const auto dense = train::gradient_descent(p.W0, mask, p.train, p.test, p.model, gd, {}, R);
    gd.backend = train::Backend::span;
    const auto span = train::gradient_descent(p.W0, mask, p.train, p.test, p.model, gd, {}, R);
    ASSERT_EQ(span.backend, train::Backend::span);
    EXPECT_LT((dense.W - span.W).norm() / dense.W.norm(), 1e-9) << "seed " << seed;
    EXPECT_EQ(dense.test_error, span.test_error) << "seed " << seed;
  }
}

// The penalty does what it is for: anchored filters move less from W(0) the larger λ_SP, and an
// entry-wise anchor runs dense.
TEST(L2Sp, AnchoredFiltersMoveLessAsLambdaGrows) {
  const Problem p = problem(9);
  const Eigen::MatrixXd R = rows_anchored(p.W0, {0, 1, 4, 5});
  double previous = std::numeric_limits<double>::infinity();
  for (const double lambda : {0.0, 0.05, 0.5, 5.0}) {
    const train::GdOptions gd{.steps = 150, .eta = 0.1, .l2sp = lambda, .curve_every = 50};
    const auto r = train::gradient_descent(p.W0, {}, p.train, p.test, p.model, gd, {}, R);
    const double moved = (R.cwiseProduct(r.W - p.W0)).norm();
    EXPECT_LT(moved, previous) << "lambda " << lambda;
    previous = moved;
  }
  Eigen::MatrixXd entry = R;
  entry(0, 3) = 0.0;
  const train::GdOptions gd{.steps = 5, .eta = 0.1, .l2sp = 0.1, .curve_every = 5, .backend = train::Backend::span};
  EXPECT_EQ(train::gradient_descent(p.W0, {}, p.train, p.test, p.model, gd, {}, entry).backend, train::Backend::dense);
}
