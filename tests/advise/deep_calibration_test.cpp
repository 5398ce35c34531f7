// The score calibration of deep advice (advise/deep_calibration.hpp) on hand-made outcomes: it
// finds the score and the lines that generated the truth, its predictions and intervals are the
// lines', its file reads back exactly, and the deep benchmark document reads back as its outcomes.
#include "ptlab/advise/deep_calibration.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "ptlab/advise/bench_metrics.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/report/advice_bench.hpp"

using namespace ptlab;

namespace {

experiment::Stat stat(double mean) { return {3, mean, 1.0, mean - 2.0, mean + 2.0}; }

advise::Strategy strategy(const std::string& name, double alpha) {
  advise::Strategy s;
  s.name = name;
  s.scratch = name == "scratch";
  if (!s.scratch) s.transfer = {.rule = transfer::Rule::filter, .alpha = alpha};
  return s;
}

// Pair i of a made-up benchmark: scores "A" (z) and "B" (unrelated), probe gains `probe`, true
// gains `truth` for the candidates alpha=0.5 random and alpha=1 random.
advise::PairOutcome pair(int i, double z, double b, std::vector<double> probe, std::vector<double> truth) {
  advise::PairOutcome o;
  o.pair.index = i;
  o.pair.name = "pair " + std::to_string(i);
  o.pair.dev = true;
  o.probe.estimates.push_back({strategy("scratch", 0.0), stat(0), stat(0), 0.0});
  o.truth.push_back(stat(0));
  const char* names[] = {"alpha=0.5 random", "alpha=1 random"};
  const double alphas[] = {0.5, 1.0};
  for (std::size_t s = 0; s < 2; ++s) {
    o.probe.estimates.push_back({strategy(names[s], alphas[s]), stat(probe[s]), stat(probe[s]), 0.0});
    o.truth.push_back(stat(truth[s]));
  }
  o.pair_strategy = 2;
  o.score_names = {"A", "B"};
  o.score_minus_fresh = {z, b};
  o.score_minus_norm_matched = {z, b};
  o.cost = 0.2;
  return o;
}

// Truth = 2 + 3z (α = 0.5) and −1 + 10z (α = 1), plus a small deterministic wiggle; the probe and
// score B carry nothing.
std::vector<advise::PairOutcome> score_driven() {
  std::vector<advise::PairOutcome> out;
  for (int i = 0; i < 10; ++i) {
    const double z = -0.5 + 0.1 * i, wiggle = 0.01 * ((i * 7) % 5 - 2);
    out.push_back(pair(i, z, std::sin(3.0 * i), {std::cos(5.0 * i), std::sin(2.0 * i)},
                       {2.0 + 3.0 * z + wiggle, -1.0 + 10.0 * z - wiggle}));
  }
  return out;
}

}  // namespace

TEST(DeepCalibration, RecoversTheScoreAndTheLinesThatMadeTheTruth) {
  const advise::DeepCalibration c = advise::fit_deep_calibration(score_driven());
  EXPECT_EQ(c.score, "A");
  EXPECT_EQ(c.pairs, 10);
  ASSERT_EQ(c.lines.size(), 2u);
  EXPECT_EQ(c.lines[0].candidate, "alpha=0.5 random");
  EXPECT_NEAR(c.lines[0].intercept, 2.0, 0.02);
  EXPECT_NEAR(c.lines[0].score_slope, 3.0, 0.05);
  EXPECT_NEAR(c.lines[1].intercept, -1.0, 0.02);
  EXPECT_NEAR(c.lines[1].score_slope, 10.0, 0.05);
  for (const auto& l : c.lines) EXPECT_LT(l.rmse, 0.05);
  if (c.probe_term) {
    for (const auto& l : c.lines) EXPECT_NEAR(l.probe_slope, 0.0, 0.02);
  }
}

TEST(DeepCalibration, UsesTheProbeWhenTheTruthFollowsIt) {
  std::vector<advise::PairOutcome> pairs;
  for (int i = 0; i < 10; ++i) {
    const double p0 = std::cos(5.0 * i), p1 = 2.0 * std::sin(2.0 * i);
    // Score A is a weak trend, the probe the strong one.
    pairs.push_back(pair(i, 0.1 * i, std::sin(3.0 * i), {p0, p1}, {0.5 + 4.0 * p0 + 0.1 * i, 1.0 + 2.0 * p1}));
  }
  const advise::DeepCalibration c = advise::fit_deep_calibration(pairs);
  EXPECT_TRUE(c.probe_term);
  EXPECT_NEAR(c.lines[0].probe_slope, 4.0, 1e-4);
  EXPECT_NEAR(c.lines[1].probe_slope, 2.0, 1e-4);
}

TEST(DeepCalibration, PredictionsAndIntervalsAreTheLines) {
  const auto dev = score_driven();
  const advise::DeepCalibration c = advise::fit_deep_calibration(dev);
  const advise::PairOutcome held = pair(99, 0.7, 0.0, {-5.0, -5.0}, {0.0, 0.0});
  const advise::CurveProbe p = advise::calibrate(held.probe, held.score_names, held.score_minus_fresh, c);
  EXPECT_EQ(p.estimates[0].gain.mean, 0.0);  // scratch is the reference
  const double t = experiment::student_t_quantile(0.975, 9);
  for (std::size_t s = 1; s < 3; ++s) {
    const auto& l = c.lines[s - 1];
    const auto& g = p.estimates[s].gain;
    const double mean = l.intercept + l.score_slope * 0.7 + (c.probe_term ? l.probe_slope * -5.0 : 0.0);
    EXPECT_DOUBLE_EQ(g.mean, mean);
    EXPECT_EQ(g.n, 10);
    EXPECT_NEAR(g.ci_high - g.mean, t * l.rmse, 1e-12);
    EXPECT_NEAR(g.mean - g.ci_low, t * l.rmse, 1e-12);
    EXPECT_NEAR(g.std / std::sqrt(10.0), l.rmse, 1e-12);       // the rule's bound: mean − t·rmse
    EXPECT_EQ(p.estimates[s].early_gain.mean, -5.0);           // the probe's own estimate is kept
  }
  // The rule transfers with the larger prediction (α = 1: −1 + 7 = 6 against 2 + 2.1).
  EXPECT_EQ(advise::decide(p, {.level = 0.7, .margin = 0.0}).best, 2);
  // A pair whose score says "no gain" gets scratch (2 − 2.7 and −1 − 9).
  const advise::PairOutcome bad = pair(98, -0.9, 0.0, {5.0, 5.0}, {0.0, 0.0});
  EXPECT_EQ(advise::decide(advise::calibrate(bad.probe, bad.score_names, bad.score_minus_fresh, c), {.level = 0.7}).best, 0);
}

TEST(DeepCalibration, TheFileReadsBackExactly) {
  const advise::DeepCalibration c = advise::fit_deep_calibration(score_driven());
  const auto path = std::filesystem::temp_directory_path() / "ptlab_calibration_test.toml";
  std::ofstream(path) << advise::deep_calibration_toml(c, "a header\nof two lines");
  const advise::DeepCalibration back = advise::load_deep_calibration(path.string());
  EXPECT_EQ(back.score, c.score);
  EXPECT_EQ(back.probe_term, c.probe_term);
  EXPECT_EQ(back.pairs, c.pairs);
  EXPECT_EQ(back.loo_rmse, c.loo_rmse);
  ASSERT_EQ(back.lines.size(), c.lines.size());
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    EXPECT_EQ(back.lines[i].candidate, c.lines[i].candidate);
    EXPECT_EQ(back.lines[i].intercept, c.lines[i].intercept);
    EXPECT_EQ(back.lines[i].score_slope, c.lines[i].score_slope);
    EXPECT_EQ(back.lines[i].probe_slope, c.lines[i].probe_slope);
    EXPECT_EQ(back.lines[i].rmse, c.lines[i].rmse);
  }
  std::ofstream(path) << "[calibration]\nscore = \"A\"\npairs = 10\nbogus = 1\n";
  try {
    advise::load_deep_calibration(path.string());
    ADD_FAILURE();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key 'calibration.bogus'"), std::string::npos) << e.what();
  }
  std::ofstream(path) << "[calibration]\nscore = \"A\"\npairs = 10\n";
  EXPECT_THROW(advise::load_deep_calibration(path.string()), core::InputError);  // no [[line]]
  std::filesystem::remove(path);
}

TEST(DeepCalibration, BadInputIsRefusedWithOneLine) {
  auto few = score_driven();
  few.resize(3);
  EXPECT_THROW(advise::fit_deep_calibration(few), core::InputError);
  auto other = score_driven();
  other[4].probe.estimates[1].strategy.name = "alpha=0.25 random";
  EXPECT_THROW(advise::fit_deep_calibration(other), core::InputError);
  auto nan = score_driven();
  for (auto& o : nan) o.score_minus_fresh = {std::nan(""), std::nan("")};
  nan[0].score_minus_fresh = {std::nan(""), std::nan("")};
  EXPECT_THROW(advise::fit_deep_calibration(nan), core::InputError);
  const advise::DeepCalibration c = advise::fit_deep_calibration(score_driven());
  const advise::PairOutcome held = pair(99, 0.7, 0.0, {0.0, 0.0}, {0.0, 0.0});
  EXPECT_THROW(advise::calibrate(held.probe, {"B"}, {0.1}, c), core::InputError);         // score missing
  EXPECT_THROW(advise::calibrate(held.probe, {"A"}, {std::nan("")}, c), core::InputError);  // not finite
  advise::CurveProbe renamed = held.probe;
  renamed.estimates[1].strategy.name = "L2-SP lambda=0.1";
  EXPECT_THROW(advise::calibrate(renamed, held.score_names, held.score_minus_fresh, c), core::InputError);
}

TEST(DeepCalibration, TheDeepBenchDocumentReadsBackAsItsOutcomes) {
  const auto outcomes = score_driven();
  const advise::PartMetrics part = advise::part_metrics(outcomes, "development", {.level = 0.7});
  nlohmann::json one = report::advice_bench_json({part}, outcomes);
  one["schedule"] = "compressed";
  const nlohmann::json doc = {{"half", "deep"}, {"seeds", 3}, {"schedules", {one}}};
  advise::DeepBenchConfig config;
  config.part = "development";
  for (const auto& o : outcomes) config.pairs.push_back({o.pair.name, "made up", 1.0, {}});
  const auto back = report::read_deep_bench_pairs(doc, config, "doc");
  ASSERT_EQ(back.size(), outcomes.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].pair.name, outcomes[i].pair.name);
    EXPECT_TRUE(back[i].pair.dev);
    EXPECT_EQ(back[i].pair_strategy, 2);
    EXPECT_TRUE(advise::is_plain_alpha(back[i].probe.estimates[1].strategy, 0.5));
    for (std::size_t s = 0; s < 3; ++s) {
      EXPECT_DOUBLE_EQ(back[i].truth[s].mean, outcomes[i].truth[s].mean);
      EXPECT_DOUBLE_EQ(back[i].probe.estimates[s].gain.mean, outcomes[i].probe.estimates[s].gain.mean);
    }
    EXPECT_EQ(back[i].score_minus_fresh, outcomes[i].score_minus_fresh);
  }
  // The same fit from the document as from the outcomes.
  EXPECT_EQ(advise::fit_deep_calibration(back).lines[1].score_slope, advise::fit_deep_calibration(outcomes).lines[1].score_slope);
  // A document of other pairs is refused, naming the pair.
  config.pairs[3].name = "another pair";
  try {
    report::read_deep_bench_pairs(doc, config, "doc");
    ADD_FAILURE();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("pair 4 is \"pair 3\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(report::read_deep_bench_pairs(nlohmann::json{{"half", "theory"}}, config, "doc"), core::InputError);
}
