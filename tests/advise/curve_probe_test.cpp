#include "ptlab/advise/advise.hpp"
#include "ptlab/advise/validate.hpp"
#include "ptlab/advise/bench.hpp"

#include <gtest/gtest.h>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"

using namespace ptlab;

namespace {

experiment::ExperimentSpec shipped(const std::string& name) {
  return experiment::load_config(std::string(PTLAB_SOURCE_DIR) + "/configs/" + name);
}

}  // namespace

TEST(PowerLaw, RecoversAnExactCurve) {
  std::vector<double> t, e;
  for (int j = 1; j <= 8; ++j) {
    t.push_back(25.0 * j);
    e.push_back(0.1 + 0.5 * std::pow(25.0 * j, -0.5));
  }
  const advise::PowerLaw p = advise::fit_power_law(t, e);
  EXPECT_NEAR(p.c, 0.5, 1e-12);
  EXPECT_NEAR(p.a, 0.1, 1e-9);
  EXPECT_NEAR(p.b, 0.5, 1e-9);
  EXPECT_NEAR(p.at(1000.0), 0.1 + 0.5 / std::sqrt(1000.0), 1e-9);
}

// The shipped pair: transfer helps on paper.toml (NTG ≈ −0.08) and hurts on negative.toml
// (NTG ≈ +0.07). The advice must follow, from the probes' own intervals over 10 paired seeds:
// transfer with confidence on paper.toml; on negative.toml never the config's own harmful
// alpha = 0.5 and no plain alpha with confidence (scratch, or a shrunk or partial candidate the
// probes cannot tell from scratch).
TEST(Advise, PaperConfigIsAdvisedToTransferAndTheNegativeOneScratchOrSafer) {
  const advise::AdviceResult paper = advise::advise_theory(shipped("paper.toml"), {});
  ASSERT_GT(paper.advice.best, 0) << paper.advice.reason;
  const auto& chosen = paper.probe.estimates[static_cast<std::size_t>(paper.advice.best)];
  EXPECT_FALSE(chosen.strategy.scratch);
  EXPECT_GT(chosen.gain.ci_low, 0.0);
  EXPECT_EQ(chosen.gain.n, 10);
  EXPECT_LE(paper.probe.probe_cost, 0.25 * paper.probe.full_run_cost);  // the cost target, by count

  const advise::AdviceResult negative = advise::advise_theory(shipped("negative.toml"), {});
  const auto& picked = negative.probe.estimates[static_cast<std::size_t>(negative.advice.best)];
  EXPECT_NE(picked.strategy.name, "alpha=0.5 random") << negative.advice.reason;
  EXPECT_TRUE(picked.strategy.scratch || negative.advice.confidence == "low") << negative.advice.reason;
  for (std::size_t s = 1; s < negative.probe.estimates.size(); ++s)
    EXPECT_LT(negative.probe.estimates[s].gain.ci_low, 0.0) << negative.probe.estimates[s].strategy.name;
  // With the most conservative rule (the 97.5% bound, i.e. the 95% CI) the advice is scratch.
  advise::AdviseOptions strict;
  strict.rule.level = 0.975;
  EXPECT_EQ(advise::advise_theory(shipped("negative.toml"), strict).advice.best, 0);
}

// No probe reads the downstream test set: its size (which redraws it entirely) changes nothing.
TEST(Advise, TheTestSetIsNeverRead) {
  experiment::ExperimentSpec spec = shipped("paper.toml");
  spec.downstream.n = 16;
  advise::AdviseOptions o;
  o.curve.seeds = 3;
  const advise::AdviceResult a = advise::advise_theory(spec, o);
  spec.frame.n_test = 7;
  const advise::AdviceResult b = advise::advise_theory(spec, o);
  ASSERT_EQ(a.probe.estimates.size(), b.probe.estimates.size());
  for (std::size_t s = 0; s < a.probe.estimates.size(); ++s) {
    EXPECT_EQ(a.probe.estimates[s].gain.mean, b.probe.estimates[s].gain.mean);
    EXPECT_EQ(a.probe.estimates[s].predicted_error, b.probe.estimates[s].predicted_error);
  }
  EXPECT_EQ(a.advice.best, b.advice.best);
  EXPECT_EQ(a.activation.selected, b.activation.selected);
}

TEST(Advise, RejectsADownstreamSetTooSmallToSplit) {
  experiment::ExperimentSpec spec = shipped("paper.toml");
  spec.downstream.n = 7;  // 4 folds need 8
  EXPECT_THROW(advise::advise_theory(spec, {}), core::InputError);
}

namespace {

// Advises on `spec` (3 probe seeds), validates on 3 seeds, and checks that every candidate's
// per-seed validation gain is −100·NTG of `ptlab run` with its settings, bit for bit.
void expect_validation_is_ptlab_run(const experiment::ExperimentSpec& spec, advise::AdviceResult& r,
                                    advise::Validation& v) {
  advise::AdviseOptions o;
  o.curve.seeds = 3;
  r = advise::advise_theory(spec, o);
  v = advise::validate(spec, r, 2);
  ASSERT_EQ(v.per_seed.size(), r.probe.estimates.size());
  for (std::size_t s = 1; s < r.probe.estimates.size(); ++s) {
    experiment::ExperimentSpec run = spec;
    run.transfer = r.probe.estimates[s].strategy.transfer;
    run.downstream_train.l2sp = r.probe.estimates[s].strategy.l2sp;
    run.seeds = 3;
    const experiment::ExperimentResult truth = experiment::run_experiment(run, {.threads = 1});
    ASSERT_EQ(v.per_seed[s].size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(v.per_seed[s][k], -100.0 * truth.records[k].ntg);
  }
}

}  // namespace

// --validate's ground truth is `ptlab run` with the strategy's [transfer] settings and
// downstream.l2sp, bit for bit.
TEST(Advise, ValidationIsThePairedRunsOfPtlabRun) {
  experiment::ExperimentSpec spec = shipped("paper.toml");
  advise::AdviceResult r;
  advise::Validation v;
  ASSERT_NO_FATAL_FAILURE(expect_validation_is_ptlab_run(spec, r, v));
  EXPECT_GE(v.regret, 0.0);
}

// Under reduced sampling (docs/design.md §2.6) the probes start from the same reduced-coordinate
// weights as the runs (experiment::downstream_start): validation is still `ptlab run` bit for bit.
// At d = 10⁶, where a direct run would need gigabytes, paper.toml's signals are too weak to be
// learned (n1·‖u + v‖⁴ = 800 ≪ σ_p⁴·d); with ‖u‖ = ‖v_k‖ = 10 the upstream learns them (test
// error ≈ 0.12, `ptlab run` NTG ≈ −0.045 over 6 seeds) and the advice is to transfer, with a
// positive estimated gain (its interval, from the probe's few seeds, still reaches below zero).
TEST(Advise, ReducedSamplingAdvisesAsDirectAndValidatesAgainstItsOwnRuns) {
  experiment::ExperimentSpec spec = shipped("paper.toml");
  spec.frame.sampling = data::Sampling::reduced;
  advise::AdviceResult r;
  advise::Validation v;
  ASSERT_NO_FATAL_FAILURE(expect_validation_is_ptlab_run(spec, r, v));
  // The reduced draw is a different draw of the same law: not the direct numbers.
  experiment::ExperimentSpec direct = shipped("paper.toml");
  advise::AdviseOptions o;
  o.curve.seeds = 3;
  const advise::AdviceResult rd = advise::advise_theory(direct, o);
  EXPECT_NE(r.probe.estimates[1].gain.mean, rd.probe.estimates[1].gain.mean);

  spec.frame.d = 1000000;
  spec.frame.norm_u = spec.upstream.norm_v = spec.downstream.norm_v = 10.0;
  const advise::AdviceResult big = advise::advise_theory(spec, {});
  ASSERT_GT(big.advice.best, 0) << big.advice.reason;
  const auto& chosen = big.probe.estimates[static_cast<std::size_t>(big.advice.best)];
  EXPECT_FALSE(chosen.strategy.scratch);
  EXPECT_GT(chosen.gain.mean, 0.0);
}

TEST(Advise, NoValidCurveMeansNoAdvice) {
  advise::CurveProbe probe;
  probe.estimates.push_back({{"scratch", true, {}}, {}, {}, 0.0});
  probe.estimates.push_back({{"alpha=1 random", false, {}}, experiment::summarize(std::vector<double>{}),
                             experiment::summarize(std::vector<double>{}), 0.0});
  EXPECT_EQ(advise::decide(probe).confidence, "none");
  // One valid candidate with a gain whose CI is above 0 is chosen.
  probe.estimates[1].gain = experiment::summarize({3.0, 4.0, 5.0});
  const advise::Advice a = advise::decide(probe);
  EXPECT_EQ(a.best, 1);
  EXPECT_EQ(a.confidence, "high");
}

// The benchmark's ground truth for a pair is `ptlab run` on the drawn config, bit for bit, and
// its probes are `ptlab advise` on it: sharing the upstream phases changes nothing.
TEST(AdviseBench, GroundTruthAndProbesAreThoseOfRunAndAdvise) {
  const advise::BenchConfig c = advise::parse_bench_config(
      "[bench]\npairs = 1\ndev = 0\nseeds = 3\nfixed = [\"data.n_test=100\", \"model.m=4\", \"downstream.steps=60\"]\n"
      "[prior]\nn1 = [20, 30]\nn2 = [8, 12]\nd = [40, 80]\nupstream_steps = [30, 60]\n",
      "tiny");
  const std::vector<advise::PairOutcome> out = advise::run_bench(c, 0, 1, 1);
  ASSERT_EQ(out.size(), 1u);
  const advise::PairOutcome& p = out[0];
  const experiment::ExperimentResult run = experiment::run_experiment(p.pair.spec, {.threads = 1});
  std::vector<double> gains;
  for (const auto& r : run.records) gains.push_back(-100.0 * r.ntg);
  const experiment::Stat truth = experiment::summarize(gains);
  EXPECT_EQ(p.truth[static_cast<std::size_t>(p.pair_strategy)].mean, truth.mean);
  EXPECT_EQ(p.truth[static_cast<std::size_t>(p.pair_strategy)].ci_low, truth.ci_low);
  const advise::AdviceResult alone = advise::advise_theory(p.pair.spec, c.advise);
  ASSERT_EQ(alone.probe.estimates.size(), p.probe.estimates.size());
  for (std::size_t s = 0; s < p.probe.estimates.size(); ++s)
    EXPECT_EQ(alone.probe.estimates[s].gain.mean, p.probe.estimates[s].gain.mean) << s;
  EXPECT_EQ(p.score_names.size(), 7u);
  EXPECT_GT(p.cost, 0.0);
  EXPECT_DOUBLE_EQ(p.cost, alone.probe.probe_cost / alone.probe.full_run_cost);
}
