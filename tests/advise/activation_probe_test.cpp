#include "ptlab/advise/activation_probe.hpp"

#include <gtest/gtest.h>

#include "ptlab/core/error.hpp"
#include "ptlab/transfer/transfer.hpp"

using namespace ptlab;

namespace {

struct Case {
  model::Weights upstream, fresh;
  data::Dataset train;
};

Case make_case(std::uint64_t seed) {
  core::Rng rng(seed);
  const int d = 25;
  const model::ModelOptions o{.m = 6, .sigma_0 = 1.0};
  const data::FrameOptions f{.d = d};
  const data::TaskOptions t{.n = 30};
  Case c{model::init_weights(o, d, rng), model::init_weights(o, d, rng), {}};
  c.train = data::sample(f, t, data::make_signals(f, t, 2), 30, rng);
  return c;
}

}  // namespace

TEST(ActivationProbe, SelectsExactlyWhatTheActivationRuleInherits) {
  for (const std::uint64_t seed : {1u, 2u, 3u})
    for (const double tau : {0.1, 0.3, 0.5, 0.7, 1.0}) {
      const Case c = make_case(seed);
      const advise::ActivationProbe probe = advise::activation_probe(c.upstream, c.train, tau);
      core::Rng rng(9);
      const auto r = transfer::apply({.rule = transfer::Rule::activation, .tau = tau}, c.upstream, c.fresh,
                                     Eigen::VectorXd::Zero(25), c.train, rng);
      std::vector<int> inherited;
      for (Eigen::Index j = 0; j < r.W0.rows(); ++j)
        if (r.W0.row(j) == c.upstream.row(j)) inherited.push_back(static_cast<int>(j));
      EXPECT_EQ(probe.selected, inherited) << "seed " << seed << ", tau " << tau;
      EXPECT_DOUBLE_EQ(probe.implied_alpha, static_cast<double>(inherited.size()) / 12.0);
      for (const int j : probe.selected) EXPECT_GE(probe.active_counts(j), tau * 30 - 1e-9);
    }
}

TEST(ActivationProbe, SelectionShrinksAsTauGrows) {
  const Case c = make_case(4);
  std::size_t last = 12;
  for (const double tau : {0.05, 0.25, 0.5, 0.75, 1.0}) {
    const auto probe = advise::activation_probe(c.upstream, c.train, tau);
    EXPECT_LE(probe.selected.size(), last);
    last = probe.selected.size();
  }
}

TEST(ActivationProbe, RejectsTauOutsideZeroOneAndAnEmptySet) {
  const Case c = make_case(5);
  EXPECT_THROW(advise::activation_probe(c.upstream, c.train, 0.0), core::InputError);
  EXPECT_THROW(advise::activation_probe(c.upstream, c.train, 1.5), core::InputError);
  data::Dataset empty = c.train;
  empty.X.resize(25, 0);
  empty.y.resize(0);
  empty.y_true.resize(0);
  EXPECT_THROW(advise::activation_probe(c.upstream, empty, 0.5), core::InputError);
}
