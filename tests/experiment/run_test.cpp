#include "ptlab/experiment/run.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/upstream_cache.hpp"

using namespace ptlab;
using experiment::ExperimentSpec;

namespace {

// A small, fast spec (about 10 ms a seed).
ExperimentSpec tiny() {
  return experiment::parse_config(R"(
[data]
d = 120
n_test = 200
[upstream]
n = 40
steps = 150
[downstream]
n = 10
steps = 150
[model]
m = 6
[run]
seeds = 3
curve_every = 25
)",
                                  "tiny");
}

void expect_same_phase(const experiment::PhaseRecord& a, const experiment::PhaseRecord& b) {
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.train_loss, b.train_loss);
  EXPECT_EQ(a.train_error, b.train_error);
  EXPECT_EQ(a.test_error, b.test_error);
  EXPECT_EQ(a.test_error_true, b.test_error_true);
  ASSERT_EQ(a.curve.size(), b.curve.size());
  for (std::size_t i = 0; i < a.curve.size(); ++i) {
    EXPECT_EQ(a.curve[i].step, b.curve[i].step);
    EXPECT_EQ(a.curve[i].train_loss, b.curve[i].train_loss);
    EXPECT_EQ(a.curve[i].test_error_true, b.curve[i].test_error_true);
  }
}

void expect_same_record(const experiment::SeedRecord& a, const experiment::SeedRecord& b) {
  EXPECT_EQ(a.seed, b.seed);
  expect_same_phase(a.upstream, b.upstream);
  expect_same_phase(a.transfer, b.transfer);
  expect_same_phase(a.scratch, b.scratch);
  EXPECT_EQ(a.filters_inherited, b.filters_inherited);
  if (!std::isnan(a.ntg) || !std::isnan(b.ntg)) {
    EXPECT_EQ(a.ntg, b.ntg);
  }
}

}  // namespace

TEST(Run, AlphaZeroTransferIsExactlyTheScratchRun) {
  for (const auto rule : {transfer::Rule::filter, transfer::Rule::entry, transfer::Rule::oracle}) {
    for (const bool freeze : {false, true}) {
      auto spec = tiny();
      spec.transfer = {.rule = rule, .alpha = 0.0, .freeze = freeze};
      const auto out = experiment::run_seed_detailed(spec, 5);
      expect_same_phase(out.record.transfer, out.record.scratch);
      EXPECT_EQ(out.transfer_W, out.scratch_W);
      EXPECT_EQ(out.record.ntg, 0.0);
    }
  }
}

TEST(Run, LayerRuleEqualsFilterRuleAtAlphaOne) {
  auto layer = tiny();
  layer.transfer.rule = transfer::Rule::layer;
  auto filter = tiny();
  filter.transfer = {.rule = transfer::Rule::filter, .alpha = 1.0};
  const auto a = experiment::run_seed_detailed(layer, 3);
  const auto b = experiment::run_seed_detailed(filter, 3);
  expect_same_record(a.record, b.record);
  EXPECT_EQ(a.transfer_W, b.transfer_W);
}

TEST(Run, FreezeLeavesInheritedFiltersUnchangedAndTrainsTheRest) {
  auto spec = tiny();
  spec.transfer = {.rule = transfer::Rule::filter, .alpha = 0.5, .freeze = true};
  const auto out = experiment::run_seed_detailed(spec, 2);
  const int m = spec.model.m;
  int frozen = 0;
  for (int r = 0; r < 2 * m; ++r) {
    if (out.transfer.inherited.row(r).minCoeff() == 1.0) {
      EXPECT_EQ(out.transfer_W.row(r), out.upstream_W.row(r));
      ++frozen;
    } else {
      EXPECT_NE(out.transfer_W.row(r), out.transfer.W0.row(r));
    }
  }
  EXPECT_EQ(frozen, 2 * (m / 2));
  // Fine-tuning (the default) moves inherited filters.
  spec.transfer.freeze = false;
  const auto tuned = experiment::run_seed_detailed(spec, 2);
  EXPECT_NE(tuned.transfer_W, out.transfer_W);
}

TEST(Run, TransferAndScratchShareDataAndFreshFilters) {
  auto spec = tiny();
  spec.transfer = {.rule = transfer::Rule::filter, .alpha = 0.5};
  const auto out = experiment::run_seed_detailed(spec, 4);
  // The non-inherited rows of the transfer init are the scratch init, i.e. the same fresh stream.
  auto scratch_spec = spec;
  scratch_spec.transfer.alpha = 0.0;
  const auto scratch = experiment::run_seed_detailed(scratch_spec, 4);
  for (int r = 0; r < 2 * spec.model.m; ++r)
    if (out.transfer.inherited.row(r).maxCoeff() == 0.0) {
      EXPECT_EQ(out.transfer.W0.row(r), scratch.transfer.W0.row(r));
    }
  expect_same_phase(out.record.scratch, scratch.record.scratch);
  expect_same_phase(out.record.upstream, scratch.record.upstream);
}

TEST(Run, SameSeedSameBitsAtOneAndTwoThreads) {
  const auto spec = tiny();
  const auto one = experiment::run_experiment(spec, {.seeds = 5, .threads = 1});
  const auto two = experiment::run_experiment(spec, {.seeds = 5, .threads = 2});
  ASSERT_EQ(one.records.size(), 5u);
  ASSERT_EQ(two.records.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(one.records[i].seed, spec.seed + i);
    expect_same_record(one.records[i], two.records[i]);
  }
  EXPECT_EQ(one.summary.at("ntg").mean, two.summary.at("ntg").mean);
}

TEST(Run, ScratchAloneIsTheScratchPhaseOfAFullRun) {
  const ExperimentSpec spec = tiny();
  for (std::uint64_t seed : {0u, 5u}) expect_same_phase(experiment::run_scratch(spec, seed), experiment::run_seed(spec, seed).scratch);
}

TEST(Run, DynamicsDoNotChangeResults) {
  ExperimentSpec with = tiny();
  with.dynamics = {.every = 10, .full = true};
  ExperimentSpec without = tiny();
  without.dynamics.every = 0;
  const auto a = experiment::run_seed(with, 2);
  const auto b = experiment::run_seed(without, 2);
  expect_same_record(a, b);
  EXPECT_TRUE(b.transfer_dynamics.empty());
  // Checkpoints at 0, 10, …, 150: 16 per phase.
  EXPECT_EQ(a.upstream_dynamics.full.size(), 16u);
  EXPECT_EQ(a.transfer_dynamics.full.back().step, 150);
}

TEST(Run, DynamicsSummariesDescribeTheInheritedAndFinalWeights) {
  ExperimentSpec spec = tiny();
  spec.dynamics.every = 50;
  const auto out = experiment::run_seed_detailed(spec, 1);
  const int m = spec.model.m;
  Eigen::VectorXd u = Eigen::VectorXd::Zero(spec.frame.d);
  u(0) = spec.frame.norm_u;
  const auto mean_signed_u = [&](const model::Weights& W, const std::vector<int>& rows) {
    double sum = 0;
    for (const int r : rows) sum += (r < m ? 1.0 : -1.0) * W.row(r).dot(u);
    return sum / static_cast<double>(rows.size());
  };
  std::vector<int> inherited, all;
  for (int r = 0; r < 2 * m; ++r) {
    all.push_back(r);
    if (out.transfer.inherited(r, 0) == 1.0) inherited.push_back(r);
  }
  ASSERT_EQ(static_cast<int>(inherited.size()), 2 * (m / 2));
  const auto find = [](const dynamics::PhaseDynamics& d, int step, dynamics::Group g, const std::string& q) {
    for (const auto& r : d.summary)
      if (r.step == step && r.group == g && r.quantity == q) return r;
    ADD_FAILURE() << "no row " << step << " " << q;
    return dynamics::SummaryRow{};
  };
  const auto& td = out.record.transfer_dynamics;
  // At step 0 the inherited filters are upstream's trained ones; at the end, the final weights.
  EXPECT_NEAR(find(td, 0, dynamics::Group::inherited, "proxy_u").mean, mean_signed_u(out.transfer.W0, inherited), 1e-12);
  EXPECT_NEAR(find(td, 150, dynamics::Group::all, "proxy_u").mean, mean_signed_u(out.transfer_W, all), 1e-12);
  EXPECT_NEAR(find(out.record.upstream_dynamics, 150, dynamics::Group::all, "proxy_u").mean,
              mean_signed_u(out.upstream_W, all), 1e-12);
  // γ and ρ start at 0 in every phase (they measure what training added).
  EXPECT_EQ(find(td, 0, dynamics::Group::fresh, "gamma").extreme, 0.0);
  EXPECT_EQ(find(td, 0, dynamics::Group::all, "rho_bar").extreme, 0.0);
  // Upstream learned the signal: class-signed γ grew.
  EXPECT_GT(find(out.record.upstream_dynamics, 150, dynamics::Group::all, "gamma").mean, 0.0);
}

TEST(Run, SeedsDifferFromEachOther) {
  const auto r = experiment::run_experiment(tiny(), {.seeds = 2, .threads = 1});
  EXPECT_NE(r.records[0].scratch.train_loss, r.records[1].scratch.train_loss);
}

TEST(Run, DivergedSeedsAreCountedNotAveraged) {
  auto spec = tiny();
  spec.model.activation = model::Activation::poly_relu;
  spec.downstream_train.eta = 1e8;
  const auto r = experiment::run_experiment(spec, {.seeds = 3, .threads = 1});
  EXPECT_EQ(r.summary.diverged, 3);
  EXPECT_EQ(r.summary.valid, 0);
  EXPECT_EQ(r.summary.at("ntg").n, 0);
  for (const auto& rec : r.records) {
    EXPECT_FALSE(rec.valid());
    EXPECT_TRUE(std::isnan(rec.ntg));
    // Some downstream phase diverged: it records the step, and its errors are not numbers.
    const auto& phase = rec.transfer.status == train::Status::diverged ? rec.transfer : rec.scratch;
    EXPECT_EQ(phase.status, train::Status::diverged);
    EXPECT_GT(phase.steps, 0);
    EXPECT_TRUE(std::isnan(phase.test_error_true));
  }
}

TEST(Run, ProgressIsReportedOncePerSeed) {
  int calls = 0, last = 0;
  experiment::run_experiment(tiny(), {.seeds = 4, .threads = 2, .progress = [&](int done, int total, const auto&) {
                                        ++calls;
                                        last = done;
                                        EXPECT_EQ(total, 4);
                                      }});
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(last, 4);
}

namespace {

// Small, fast versions of configs/paper.toml and configs/negative.toml (d = 300, m = 10, shorter
// training): the same outcomes, about 0.3 s for 10 seeds.
ExperimentSpec small(double norm_u, double norm_v, int n2) {
  auto spec = experiment::parse_config("", "small",
                                       {"data.d=300", "data.n_test=500", "model.m=10", "upstream.n=60",
                                        "upstream.steps=300", "downstream.steps=100", "run.seeds=10"});
  spec.frame.norm_u = norm_u;
  spec.upstream.norm_v = spec.downstream.norm_v = norm_v;
  spec.downstream.n = n2;
  return spec;
}

int count_seeds(const experiment::ExperimentResult& r, bool positive) {
  int n = 0;
  for (const auto& rec : r.records) n += (positive ? rec.ntg < 0 : rec.ntg > 0) ? 1 : 0;
  return n;
}

}  // namespace

namespace {

// The 95% CI of NTG over 10 seeds excludes 0 on the expected side, and 8 of 10 seeds agree.
void expect_outcome(const ExperimentSpec& spec, bool positive) {
  const auto r = experiment::run_experiment(spec, {.threads = 2});
  const auto& ntg = r.summary.at("ntg");
  EXPECT_EQ(r.summary.valid, 10);
  EXPECT_TRUE(positive ? ntg.ci_high < 0.0 : ntg.ci_low > 0.0)
      << "NTG " << ntg.mean << " [" << ntg.ci_low << ", " << ntg.ci_high << "]";
  EXPECT_EQ(r.summary.verdict, positive ? "positive transfer" : "negative transfer");
  EXPECT_GE(count_seeds(r, positive), 8);
}

}  // namespace

TEST(Outcome, StrongUniversalSignalGivesPositiveTransfer) { expect_outcome(small(1.0, 1.0, 10), true); }

TEST(Outcome, WeakUniversalSignalGivesNegativeTransfer) { expect_outcome(small(0.1, 2.0, 20), false); }

TEST(Outcome, ShippedConfigsKeepTheirVerdictOnThreeSeeds) {
  // The shipped configs themselves (full size), on their first 3 seeds: paper.toml helps and
  // negative.toml hurts on each seed. (The 10-seed CIs are recorded in docs/paper-run.md.)
  for (const auto& [file, positive] : {std::pair{"paper.toml", true}, std::pair{"negative.toml", false}}) {
    const auto spec = experiment::load_config(std::string(PTLAB_SOURCE_DIR) + "/configs/" + file);
    const auto r = experiment::run_experiment(spec, {.seeds = 3, .threads = 2});
    EXPECT_EQ(count_seeds(r, positive), 3) << file;
  }
}

TEST(UpstreamCache, SharedUpstreamsGiveTheSameBitsAndAreComputedOnce) {
  experiment::UpstreamCache cache;
  for (const double alpha : {0.0, 0.5, 1.0}) {
    ExperimentSpec spec = tiny();
    spec.transfer.alpha = alpha;
    spec.downstream.n = alpha == 1.0 ? 12 : 10;  // downstream-only changes share the upstream
    for (std::uint64_t seed : {0u, 1u}) {
      auto cached = experiment::run_seed(spec, seed, &cache);
      const auto fresh = experiment::run_seed(spec, seed);
      cached.upstream.wall_s = fresh.upstream.wall_s;
      expect_same_record(cached, fresh);
    }
  }
  EXPECT_EQ(cache.misses(), 2);  // one upstream per seed
  EXPECT_EQ(cache.hits(), 4);
  // An upstream change is another entry.
  ExperimentSpec other = tiny();
  other.upstream.n = 41;
  experiment::run_seed(other, 0, &cache);
  EXPECT_EQ(cache.misses(), 3);
  EXPECT_NE(experiment::upstream_key(other), experiment::upstream_key(tiny()));
  ExperimentSpec theta = tiny();
  theta.frame.theta = 30;
  theta.dynamics.every = 0;
  ExperimentSpec base = tiny();
  base.dynamics.every = 0;
  EXPECT_EQ(experiment::upstream_key(theta), experiment::upstream_key(base));  // θ only matters downstream
  theta.dynamics.every = 50;
  base.dynamics.every = 50;
  EXPECT_NE(experiment::upstream_key(theta), experiment::upstream_key(base));  // … unless v_2 is probed
}

TEST(UpstreamCache, TinyBudgetEvictsButStaysCorrect) {
  experiment::UpstreamCache cache(1.0);  // one byte: every finished entry is dropped
  const ExperimentSpec spec = tiny();
  const auto a = experiment::run_seed(spec, 4, &cache);
  auto b = experiment::run_seed(spec, 4, &cache);
  EXPECT_EQ(cache.misses(), 2);
  b.upstream.wall_s = a.upstream.wall_s;
  expect_same_record(a, b);
}
