// The advice benchmark's pieces that need no training: metrics on hand-made outcomes, the prior
// and the config.
#include "ptlab/advise/bench_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ptlab/core/error.hpp"

using namespace ptlab;

namespace {

// Ten seeds whose 95% CI is mean ± half_width (std = half_width·√10 / t_{0.975, 9}).
experiment::Stat stat(double mean, double half_width) {
  return {10, mean, half_width * std::sqrt(10.0) / 2.2621571627409915, mean - half_width, mean + half_width};
}

// A pair with candidates scratch, alpha=0.5, alpha=1; `pred` and `truth` are their gains
// (scratch's 0 implied), the pair's own α is 0.5.
advise::PairOutcome outcome(std::vector<double> pred, std::vector<double> truth, double half_width = 1.0) {
  advise::PairOutcome p;
  const auto strategies = advise::theory_strategies({0.5, 1.0}, 0.5, false, {.shrink = 0.0, .l2sp = 0.0});
  p.probe.estimates.push_back({strategies[0], stat(0, 0), stat(0, 0), 0.0});
  p.truth.push_back(stat(0, 0));
  for (std::size_t s = 0; s < 2; ++s) {
    p.probe.estimates.push_back({strategies[s + 1], stat(pred[s], half_width), stat(pred[s], half_width), 0.0});
    p.truth.push_back(stat(truth[s], half_width));
  }
  p.pair_strategy = 1;
  p.cost = 0.1;
  return p;
}

}  // namespace

TEST(BenchMetrics, RocAucIsTheMannWhitneyProbability) {
  // Positives 0.9, 0.3 against negatives 0.8, 0.1: 3 of 4 comparisons won.
  EXPECT_DOUBLE_EQ(advise::roc_auc({0.9, 0.8, 0.3, 0.1}, {true, false, true, false}), 0.75);
  EXPECT_DOUBLE_EQ(advise::roc_auc({1, 1}, {true, false}), 0.5);  // a tie counts one half
  EXPECT_DOUBLE_EQ(advise::roc_auc({3, NAN, 1}, {true, true, false}), 1.0);
  EXPECT_TRUE(std::isnan(advise::roc_auc({1, 2}, {true, true})));
}

TEST(BenchMetrics, KendallTauBMatchesHandCounts) {
  // One discordant pair of six: (5 − 1)/6.
  EXPECT_NEAR(advise::kendall_tau_b({1, 2, 3, 4}, {1, 3, 2, 4}), 4.0 / 6.0, 1e-15);
  // One tie in x only, one in y only, four concordant: 4/√(5·5) (scipy.stats.kendalltau: 0.8).
  EXPECT_NEAR(advise::kendall_tau_b({1, 1, 2, 3}, {1, 2, 2, 3}), 0.8, 1e-15);
  EXPECT_NEAR(advise::kendall_tau_b({1, 2, 3}, {3, 2, 1}), -1.0, 1e-15);
  EXPECT_TRUE(std::isnan(advise::kendall_tau_b({1, 1, 1}, {1, 2, 3})));
}

// Three pairs: transfer helps (α = 1 most), transfer hurts, no significant difference.
TEST(BenchMetrics, RegretAvoidanceAndSignAccuracyOfPoliciesByHand) {
  const std::vector<advise::PairOutcome> pairs{outcome({4, 6}, {3, 8}), outcome({-5, -6}, {-4, -7}),
                                               outcome({0.5, -0.5}, {0.2, -0.3})};
  const advise::PartMetrics m = advise::part_metrics(pairs, "all", {});
  ASSERT_EQ(m.policies.size(), 4u);
  const auto& advise = m.policies[0];
  const auto& scratch = m.policies[1];
  const auto& alpha1 = m.policies[2];
  const auto& alpha05 = m.policies[3];
  EXPECT_EQ(alpha1.name, "always alpha=1");
  // advise: α = 1 on pair 0 (largest CI above 0), scratch on pairs 1 and 2 (nothing above 0).
  EXPECT_NEAR(advise.mean_regret, (0 + 0 + 0.2) / 3, 1e-12);
  EXPECT_NEAR(scratch.mean_regret, (8 + 0 + 0.2) / 3, 1e-12);
  EXPECT_NEAR(alpha1.mean_regret, (0 + 7 + 0.5) / 3, 1e-12);
  EXPECT_NEAR(alpha05.mean_regret, (5 + 4 + 0) / 3, 1e-12);
  EXPECT_DOUBLE_EQ(alpha1.max_regret, 7.0);
  // Pair 1 is the one harmful pair (its α = 0.5 significantly hurts).
  EXPECT_EQ(advise.harmful_pairs, 1);
  EXPECT_DOUBLE_EQ(advise.avoidance, 1.0);
  EXPECT_DOUBLE_EQ(alpha1.avoidance, 0.0);
  EXPECT_DOUBLE_EQ(scratch.avoidance, 1.0);
  // Decided pairs: 0 (some helps) and 1 (all hurt); pair 2 has no significant candidate.
  EXPECT_EQ(advise.decided, 2);
  EXPECT_DOUBLE_EQ(advise.sign_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(scratch.sign_accuracy, 0.5);
  EXPECT_NEAR(advise.transfer_rate, 1.0 / 3, 1e-12);
  // The probe predicts the sign on both significant pairs; AUC 1.
  const auto& probe = m.predictors[0];
  EXPECT_EQ(probe.significant, 2);
  EXPECT_DOUBLE_EQ(probe.sign_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(probe.auc, 1.0);
  EXPECT_DOUBLE_EQ(probe.kendall_tau, 1.0);
  EXPECT_DOUBLE_EQ(m.cost_mean, 0.1);
}

// The margin is chosen on the development part alone: a margin that would make the held-out
// part look better is not picked when it loses on development.
TEST(BenchMetrics, MarginIsChosenOnTheDevelopmentPartOnly) {
  // Development: a predicted +1.5 (CI [0.5, 2.5]) that truly helps; margin 1 would miss it.
  advise::PairOutcome dev = outcome({1.5, -1}, {2, -1});
  dev.pair.dev = true;
  // Held out: a predicted +1.5 that truly hurts; margin 1 would avoid it.
  advise::PairOutcome held = outcome({1.5, -1}, {-3, -1});
  const auto parts = advise::bench_metrics({dev, held}, {0.975}, {0.0, 1.0}, 0.9);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].part, "development");
  EXPECT_DOUBLE_EQ(parts[0].rule.margin, 0.0);
  EXPECT_DOUBLE_EQ(parts[1].rule.margin, 0.0);
  EXPECT_TRUE(parts[1].rule_tuned);
  EXPECT_DOUBLE_EQ(parts[1].policies[0].mean_regret, 3.0);
}

// The avoidance floor binds: the rule of least development regret transfers on a pair where
// that hurts; with the floor at 0.9 the safer rule wins, without it the riskier one.
TEST(BenchMetrics, AvoidanceFloorOverridesLeastRegret) {
  advise::PairOutcome harmful = outcome({1.5, -1}, {-3, -2});
  advise::PairOutcome helpful = outcome({1.5, -1}, {5, -1});
  harmful.pair.dev = helpful.pair.dev = true;
  const auto safe = advise::bench_metrics({harmful, helpful}, {0.975}, {0.0, 1.0}, 0.9);
  EXPECT_DOUBLE_EQ(safe[0].rule.margin, 1.0);
  EXPECT_DOUBLE_EQ(safe[0].policies[0].mean_regret, 2.5);
  EXPECT_DOUBLE_EQ(safe[0].policies[0].avoidance, 1.0);
  const auto risky = advise::bench_metrics({harmful, helpful}, {0.975}, {0.0, 1.0}, 0.0);
  EXPECT_DOUBLE_EQ(risky[0].rule.margin, 0.0);
  EXPECT_DOUBLE_EQ(risky[0].policies[0].mean_regret, 1.5);
  // The level is the other tunable: at 0.5 (the mean) a +0.5 prediction with a wide CI is eligible.
  const advise::PairOutcome wide = outcome({0.5, -1}, {2, -1}, 3.0);
  EXPECT_EQ(advise::decide(wide.probe, {.level = 0.5, .margin = 0.0}).best, 1);
  EXPECT_EQ(advise::decide(wide.probe, {.level = 0.975, .margin = 0.0}).best, 0);
}

TEST(BenchConfig, PriorDrawsAreDeterministicWithinRangesAndSplit) {
  const advise::BenchConfig c = advise::parse_bench_config("[bench]\npairs = 40\ndev = 10\nseed = 7\n", "b");
  int separate = 0;
  for (int i = 0; i < 40; ++i) {
    const advise::BenchPair p = advise::draw_pair(c, i);
    EXPECT_EQ(p.dev, i < 10);
    EXPECT_EQ(advise::draw_pair(c, i).spec.frame.norm_u, p.spec.frame.norm_u);
    EXPECT_GE(p.spec.upstream.n, 40);
    EXPECT_LE(p.spec.upstream.n, 300);
    EXPECT_GE(p.spec.downstream.n, 12);
    EXPECT_LE(p.spec.downstream.n, 100);
    EXPECT_GE(p.spec.frame.d, 300);
    EXPECT_LE(p.spec.frame.d, 5000);
    EXPECT_LE(p.spec.frame.theta, 180.0);
    EXPECT_TRUE(p.spec.transfer.alpha == 0.25 || p.spec.transfer.alpha == 0.5 || p.spec.transfer.alpha == 1.0);
    EXPECT_EQ(p.spec.seeds, 10);
    separate += p.spec.frame.layout == data::Layout::separate ? 1 : 0;
  }
  EXPECT_GT(separate, 5);  // both layouts drawn (P[fewer than 6 of 40] ≈ 1e-6)
  EXPECT_LT(separate, 35);
  const advise::BenchConfig other = advise::parse_bench_config("[bench]\nseed = 8\n", "b");
  EXPECT_NE(advise::draw_pair(other, 0).spec.frame.norm_u, advise::draw_pair(c, 0).spec.frame.norm_u);
}

TEST(BenchConfig, BadConfigsNameTheKey) {
  const auto fails = [](const std::string& text, const std::string& fragment) {
    try {
      advise::parse_bench_config(text, "b.toml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  fails("[bench]\npairs = 0\n", "bench.pairs");
  fails("[bench]\nseeds = 1\n", "bench.seeds");
  fails("[probe]\nbudget = 0\n", "probe.budget");
  fails("[prior]\nd = [500, 100]\n", "prior.d");
  fails("[prior]\nn2 = [4, 50]\n", "prior.n2");  // fewer than 2 samples per fold
  fails("[priors]\n", "unknown table 'priors'");
  fails("[bench]\npairs = \"x\"\n", "bench.pairs");
  fails("[bench\n", "malformed TOML");
}
