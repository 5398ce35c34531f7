#include "ptlab/transfer/transfer.hpp"

#include <gtest/gtest.h>

using namespace ptlab;

namespace {

struct Pair {
  model::Weights upstream, fresh;
  Eigen::VectorXd u;
  data::Dataset train;
};

Pair make_pair(int m, int d = 10) {
  core::Rng rng(42);
  const model::ModelOptions opt{.m = m, .sigma_0 = 1.0};
  Pair p{model::init_weights(opt, d, rng), model::init_weights(opt, d, rng), Eigen::VectorXd::Zero(d), {}};
  p.u(0) = 1.0;
  const data::FrameOptions f{.d = d};
  const data::TaskOptions t{.n = 20};
  p.train = data::sample(f, t, data::make_signals(f, t, 2), 20, rng);
  return p;
}

// Rows of W equal to the same row of `source`, per class.
std::array<int, 2> rows_equal(const model::Weights& W, const model::Weights& source, int m) {
  std::array<int, 2> count{0, 0};
  for (int r = 0; r < 2 * m; ++r) count[r / m] += W.row(r) == source.row(r) ? 1 : 0;
  return count;
}

transfer::TransferResult apply(const transfer::TransferOptions& o, const Pair& p, std::uint64_t seed = 1) {
  core::Rng rng(seed);
  return transfer::apply(o, p.upstream, p.fresh, p.u, p.train, rng);
}

}  // namespace

TEST(Transfer, InheritedPerClassIsFloorOfAlphaTimesM) {
  EXPECT_EQ(transfer::inherited_per_class(0.0, 20), 0);
  EXPECT_EQ(transfer::inherited_per_class(0.5, 20), 10);
  EXPECT_EQ(transfer::inherited_per_class(0.29, 100), 29);  // 0.29·100 = 28.999… in binary
  EXPECT_EQ(transfer::inherited_per_class(0.33, 10), 3);
  EXPECT_EQ(transfer::inherited_per_class(0.99, 10), 9);
  EXPECT_EQ(transfer::inherited_per_class(1.0, 7), 7);
}

TEST(Transfer, AlphaZeroGivesExactlyTheFreshInit) {
  const auto p = make_pair(6);
  for (const auto rule : {transfer::Rule::filter, transfer::Rule::entry, transfer::Rule::oracle}) {
    const auto r = apply({.rule = rule, .alpha = 0.0}, p);
    EXPECT_EQ(r.W0, p.fresh) << transfer::to_string(rule);
    EXPECT_EQ(r.entries_inherited, 0);
  }
}

TEST(Transfer, FilterRuleCopiesExactlyFloorAlphaMFiltersPerClass) {
  for (const int m : {1, 5, 20}) {
    const auto p = make_pair(m);
    for (const double alpha : {0.0, 0.1, 0.25, 0.5, 0.75, 1.0}) {
      for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        const auto r = apply({.rule = transfer::Rule::filter, .alpha = alpha}, p, seed);
        const int k = transfer::inherited_per_class(alpha, m);
        const auto copied = rows_equal(r.W0, p.upstream, m);
        const auto kept = rows_equal(r.W0, p.fresh, m);
        EXPECT_EQ(copied[0], k);
        EXPECT_EQ(copied[1], k);
        EXPECT_EQ(kept[0], m - k);
        EXPECT_EQ(kept[1], m - k);
        EXPECT_EQ(r.filters_inherited, 2 * k);
        // The mask marks exactly the copied rows.
        for (int row = 0; row < 2 * m; ++row)
          EXPECT_EQ(r.inherited.row(row).minCoeff() == 1.0, r.W0.row(row) == p.upstream.row(row));
      }
    }
  }
}

TEST(Transfer, FilterChoiceDependsOnTheSeed) {
  const auto p = make_pair(20);
  const auto a = apply({.rule = transfer::Rule::filter, .alpha = 0.5}, p, 1);
  const auto b = apply({.rule = transfer::Rule::filter, .alpha = 0.5}, p, 2);
  EXPECT_NE(a.inherited, b.inherited);
}

TEST(Transfer, LayerRuleEqualsFilterRuleAtAlphaOne) {
  const auto p = make_pair(8);
  const auto layer = apply({.rule = transfer::Rule::layer}, p);
  const auto filter = apply({.rule = transfer::Rule::filter, .alpha = 1.0}, p);
  EXPECT_EQ(layer.W0, p.upstream);
  EXPECT_EQ(filter.W0, layer.W0);
  EXPECT_EQ(filter.inherited, layer.inherited);
}

TEST(Transfer, EntryRuleCopiesEachEntryWithProbabilityAlpha) {
  const auto p = make_pair(50, 200);
  const auto r = apply({.rule = transfer::Rule::entry, .alpha = 0.3}, p);
  const double n = static_cast<double>(r.inherited.size());
  EXPECT_NEAR(r.entries_inherited / n, 0.3, 5 * std::sqrt(0.3 * 0.7 / n));
  for (Eigen::Index c = 0; c < r.W0.cols(); ++c)
    for (Eigen::Index row = 0; row < r.W0.rows(); ++row)
      EXPECT_EQ(r.W0(row, c), r.inherited(row, c) == 1.0 ? p.upstream(row, c) : p.fresh(row, c));
  EXPECT_EQ(apply({.rule = transfer::Rule::entry, .alpha = 1.0}, p).W0, p.upstream);
}

TEST(Transfer, OracleRuleTakesTheFiltersMostAlignedWithTheirClassSignal) {
  auto p = make_pair(4);
  p.upstream.col(0) << 0.1, 0.9, -0.5, 0.3, /* class −1: */ -0.8, 0.2, -0.1, 0.4;
  const auto r = apply({.rule = transfer::Rule::oracle, .alpha = 0.5}, p);
  const std::vector<int> expected = {1, 3, 4, 6};  // top-2 of ⟨w,u⟩ for +1, of −⟨w,u⟩ for −1
  for (int row = 0; row < 8; ++row) {
    const bool inherited = std::find(expected.begin(), expected.end(), row) != expected.end();
    EXPECT_EQ(r.W0.row(row) == p.upstream.row(row), inherited) << row;
  }
}

TEST(Transfer, ActivationRuleCopiesFiltersThatFireOnEnoughInputs) {
  auto p = make_pair(2, 10);
  // Row 0 is the noise patch ξ_0 of sample 0: it fires on sample 0 and on the samples with
  // ⟨ξ_0, ξ_i⟩ > 0 (about half); row 1 = −row 0 fires on the others; zero rows never fire.
  p.upstream.setZero();
  p.upstream.row(0) = p.train.X.col(1).transpose();  // the noise patch of sample 0
  p.upstream.row(1) = -p.upstream.row(0);            // fires when that dot product is negative
  const auto none = apply({.rule = transfer::Rule::activation, .tau = 1.0}, p);
  EXPECT_EQ(none.filters_inherited, 0);  // zero filters never fire; the others not on all inputs
  const auto all = apply({.rule = transfer::Rule::activation, .tau = 0.0}, p);
  EXPECT_EQ(all.filters_inherited, 4);
  const auto some = apply({.rule = transfer::Rule::activation, .tau = 0.01}, p);
  EXPECT_EQ(some.W0.row(0), p.upstream.row(0));  // fires on sample 0 at least
  EXPECT_EQ(some.W0.row(2), p.fresh.row(2));     // zero filter never fires
  EXPECT_EQ(some.W0.row(3), p.fresh.row(3));
}

TEST(Transfer, FreezeMaskIsTheComplementOfInherited) {
  const auto p = make_pair(5);
  const transfer::TransferOptions o{.rule = transfer::Rule::filter, .alpha = 0.4, .freeze = true};
  const auto r = apply(o, p);
  const Eigen::MatrixXd mask = transfer::trainable_mask(o, r);
  EXPECT_EQ(mask + r.inherited, Eigen::MatrixXd::Ones(10, 10));
  EXPECT_EQ(transfer::trainable_mask({.freeze = false}, r).size(), 0);
}

// Shrink and perturb acts on the inherited entries only: s·w_up + p·w_fresh there, the fresh
// value elsewhere; (1, 0) is plain inheritance bit for bit, and the choice of filters is unchanged.
TEST(Transfer, ShrinkPerturbMixesOnlyTheInheritedEntries) {
  const Pair p = make_pair(6);
  const transfer::TransferOptions plain{.rule = transfer::Rule::filter, .alpha = 0.5};
  transfer::TransferOptions sp = plain;
  sp.shrink = 0.25;
  sp.perturb = 2.0;
  const auto a = apply(plain, p), b = apply(sp, p);
  EXPECT_EQ(a.inherited, b.inherited);
  EXPECT_EQ(a.filters_inherited, 6);
  for (Eigen::Index r = 0; r < 12; ++r) {
    if (a.inherited(r, 0) == 1.0) {
      EXPECT_TRUE(b.W0.row(r).isApprox(0.25 * p.upstream.row(r) + 2.0 * p.fresh.row(r), 1e-15)) << r;
    } else {
      EXPECT_EQ(b.W0.row(r), p.fresh.row(r)) << r;
    }
  }
  transfer::TransferOptions unit = plain;
  unit.shrink = 1.0;
  unit.perturb = 0.0;
  EXPECT_EQ(apply(unit, p).W0, a.W0);
  transfer::TransferOptions zero = plain;
  zero.shrink = 0.0;
  zero.perturb = 1.0;  // shrink 0, perturb 1: inherited rows become the fresh ones, so W0 is scratch's
  EXPECT_EQ(apply(zero, p).W0, p.fresh);
}
