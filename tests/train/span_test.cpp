#include "ptlab/train/span.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/run.hpp"

using namespace ptlab;

namespace {

struct Case {
  data::Layout layout;
  model::Activation activation;
  double norm_u, p, weight_decay, eps;
  bool freeze;
  std::uint64_t seed;
};

double relative(double a, double b) { return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-300}); }

}  // namespace

// The span backend is the dense iteration in another basis: trajectories (every curve point, the
// final weights) and errors agree to 1e-9 relative over many random configs.
TEST(Span, AgreesWithDenseOverManyConfigs) {
  core::Rng pick(2024);
  int checked = 0;
  for (int trial = 0; trial < 24; ++trial) {
    const Case c{pick.uniform() < 0.5 ? data::Layout::shared : data::Layout::separate,
                 static_cast<model::Activation>(static_cast<int>(pick.uniform() * 3)),
                 pick.uniform() < 0.2 ? 0.0 : 0.2 + 2 * pick.uniform(),
                 pick.uniform() < 0.5 ? 0.0 : 0.2 * pick.uniform(),
                 pick.uniform() < 0.5 ? 0.0 : 0.05 * pick.uniform(),
                 pick.uniform() < 0.2 ? 0.05 : 0.0,
                 pick.uniform() < 0.4,
                 static_cast<std::uint64_t>(trial)};
    const data::FrameOptions f{.d = 30 + static_cast<int>(pick.uniform() * 100), .layout = c.layout,
                               .norm_u = c.norm_u, .theta = 180 * pick.uniform(), .n_test = 60};
    const data::TaskOptions t{.n = 5 + static_cast<int>(pick.uniform() * 30), .norm_v = 0.5 + pick.uniform(),
                              .sigma_p = 0.3 + pick.uniform(), .p = c.p};
    const auto signals = data::make_signals(f, t, 2);
    core::Rng rng(c.seed);
    const auto train = data::sample(f, t, signals, t.n, rng);
    const auto test = data::sample(f, t, signals, f.n_test, rng);
    const model::ModelOptions model{.m = 2 + static_cast<int>(pick.uniform() * 6), .activation = c.activation,
                                    .sigma_0 = 0.05};
    const auto W0 = model::init_weights(model, f.d, rng);
    Eigen::MatrixXd mask;
    if (c.freeze) {
      mask = Eigen::MatrixXd::Ones(W0.rows(), W0.cols());
      mask.row(0).setZero();
    }
    train::GdOptions gd{.steps = 120, .eta = 0.5, .eps = c.eps, .weight_decay = c.weight_decay, .curve_every = 10};
    gd.backend = train::Backend::dense;
    const auto dense = train::gradient_descent(W0, mask, train, test, model, gd);
    gd.backend = train::Backend::span;
    const auto span = train::gradient_descent(W0, mask, train, test, model, gd);
    SCOPED_TRACE(::testing::Message() << "trial " << trial << " d " << f.d << " n " << t.n << " layout "
                                      << data::to_string(c.layout));
    ASSERT_EQ(dense.status, span.status);
    ASSERT_EQ(dense.steps, span.steps);
    ASSERT_EQ(dense.curve.size(), span.curve.size());
    for (std::size_t i = 0; i < dense.curve.size(); ++i) {
      EXPECT_LT(relative(dense.curve[i].train_loss, span.curve[i].train_loss), 1e-9);
      EXPECT_EQ(dense.curve[i].test_error, span.curve[i].test_error);
      EXPECT_EQ(dense.curve[i].train_error, span.curve[i].train_error);
    }
    EXPECT_LT((dense.W - span.W).norm() / dense.W.norm(), 1e-9);
    ++checked;
  }
  EXPECT_EQ(checked, 24);
}

TEST(Span, WholeRunsWithTransferAgreeWithDense) {
  for (const char* rule : {"filter", "oracle", "activation", "layer"}) {
    auto spec = experiment::parse_config(std::string(R"(
[data]
d = 150
n_test = 200
[upstream]
n = 30
steps = 100
[downstream]
n = 8
steps = 100
[model]
m = 5
[transfer]
freeze = true
rule = ")") + rule + "\"\n",
                                         "span");
    spec.backend = train::Backend::dense;
    const auto dense = experiment::run_seed(spec, 3);
    spec.backend = train::Backend::span;
    const auto span = experiment::run_seed(spec, 3);
    EXPECT_EQ(dense.ntg, span.ntg) << rule;
    EXPECT_LT(relative(dense.transfer.train_loss, span.transfer.train_loss), 1e-9) << rule;
    EXPECT_LT(relative(dense.upstream.train_loss, span.upstream.train_loss), 1e-9) << rule;
  }
}

TEST(Span, EntryWiseMasksFallBackToDenseAndCostModelPicksTheCheaper) {
  Eigen::MatrixXd mask = Eigen::MatrixXd::Ones(4, 10);
  EXPECT_TRUE(train::per_filter_mask(mask));
  EXPECT_TRUE(train::per_filter_mask({}));
  mask(1, 3) = 0;
  EXPECT_FALSE(train::per_filter_mask(mask));
  // The paper config: span is far cheaper (d = 2000 ≫ n); a tiny d with a large n favours dense.
  const auto paper = train::estimate_cost(2000, 200, 2, 1000, 20, 1000, 50);
  EXPECT_LT(paper.span * 5, paper.dense);
  EXPECT_EQ(train::choose_backend(train::Backend::automatic, true, paper), train::Backend::span);
  EXPECT_EQ(train::choose_backend(train::Backend::automatic, false, paper), train::Backend::dense);
  EXPECT_EQ(train::choose_backend(train::Backend::span, false, paper), train::Backend::dense);
  const auto small_d = train::estimate_cost(10, 500, 2, 1000, 20, 1000, 50);
  EXPECT_EQ(train::choose_backend(train::Backend::automatic, true, small_d), train::Backend::dense);
  // Dense cost by hand: T·2·2m·d·nP + E·2m·d·n_t·P with E = ⌊1000/50⌋ + 2 = 22.
  EXPECT_DOUBLE_EQ(paper.dense, 1000.0 * 2 * 40 * 2000 * 400 + 22.0 * 40 * 2000 * 2000);
}
