// `ptlab advise` and `ptlab score` on deep configs, on tiny IDX data: validation equals the runs of
// `ptlab deep` bit for bit, the probes never read the test set, shrink-and-perturb and the early
// stop do what they say, bad input is refused.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "ptlab/advise/deep_advise.hpp"
#include "ptlab/experiment/stats.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep/stage.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/train/deep/trainer.hpp"
#include "support/image_files.hpp"
#include "support/temp_dir.hpp"

using namespace ptlab;
using ptlab::testing::corners;
using ptlab::testing::write_idx;

namespace {

class DeepAdvise : public ptlab::testing::TempDirTest {
 protected:
  // Train and test IDX files in `sub`; the test part drawn from `test_seed` with `test_n` images.
  std::string data_dir(const std::string& sub, std::uint64_t test_seed, int test_n) {
    std::filesystem::create_directories(path(sub));
    write_idx(path(sub + "/train-images-idx3-ubyte"), path(sub + "/train-labels-idx1-ubyte"), corners(400, 1));
    write_idx(path(sub + "/t10k-images-idx3-ubyte"), path(sub + "/t10k-labels-idx1-ubyte"), corners(test_n, test_seed));
    return path(sub);
  }
  experiment::DeepSpec spec(const std::string& dir, const std::string& extra = "") {
    return experiment::parse_deep_config(
        "[data]\ndataset = \"idx\"\ndir = \"" + dir +
            "\"\n[upstream]\nclasses = [0, 1]\nper_class = 60\nepochs = 2\nbatch_size = 32\n"
            "[downstream]\nclasses = [2, 3]\nper_class = 8\nepochs = 4\nbatch_size = 4\n" + extra +
            "[transfer]\nalphas = [1.0]\n[run]\nseeds = 2\nthreads = 1\n",
        "tiny.toml");
  }
  static advise::DeepAdviseOptions options() {
    advise::DeepAdviseOptions o;
    o.curve.seeds = 2;
    o.curve.points = 3;
    o.curve.max_cost = 10.0;  // tiny configs: let the probe train its budget
    return o;
  }
};

}  // namespace

// --validate's ground truth is the records of `ptlab deep` on each candidate's spec, to the bit.
TEST_F(DeepAdvise, ValidationEqualsTheRunsOfPtlabDeepBitForBit) {
  const auto s = spec(data_dir("d", 2, 120));
  const auto advice = advise::advise_deep(s, options());
  ASSERT_EQ(advice.candidates.size(), advice.probe.estimates.size());
  // scratch, α = 0.5, 1, activation, first k frozen / fine-tuned, L2-SP, shrink-perturb.
  ASSERT_EQ(advice.candidates.size(), 8u);
  EXPECT_TRUE(advice.probe.estimates[0].strategy.scratch);
  EXPECT_EQ(advice.probe.estimates[4].strategy.name, "first 2 blocks frozen");  // resnet8: 4 blocks below the head
  const advise::Validation v = advise::validate_deep(s, advice);
  for (std::size_t c = 1; c < advice.candidates.size(); ++c) {
    auto alone = advice.candidates[c];
    alone.seeds = 2;
    const auto r = experiment::run_deep(alone);
    ASSERT_EQ(r.records.size(), 2u);
    for (std::size_t k = 0; k < 2; ++k) EXPECT_EQ(v.per_seed[c][k], r.records[k].gain()) << advice.probe.estimates[c].strategy.name;
  }
  EXPECT_GE(v.regret, 0.0);
}

// No probe reads the downstream test set: other test images give the same advice, to the bit.
TEST_F(DeepAdvise, ProbesNeverReadTheTestSet) {
  const auto a = advise::advise_deep(spec(data_dir("a", 2, 120)), options());
  const auto b = advise::advise_deep(spec(data_dir("b", 77, 40)), options());
  ASSERT_EQ(a.probe.estimates.size(), b.probe.estimates.size());
  for (std::size_t s = 0; s < a.probe.estimates.size(); ++s) {
    EXPECT_EQ(a.probe.estimates[s].gain.mean, b.probe.estimates[s].gain.mean) << s;
    EXPECT_EQ(a.probe.estimates[s].predicted_error, b.probe.estimates[s].predicted_error) << s;
  }
  EXPECT_EQ(a.advice.best, b.advice.best);
  EXPECT_EQ(a.activation.implied_alpha, b.activation.implied_alpha);
  EXPECT_GT(a.probe.probe_cost, 0.0);
  EXPECT_GT(a.activation.implied_alpha, 0.0);
  EXPECT_LT(a.activation.implied_alpha, 1.0);
}

// Shrink and perturb: inherited parameter entries become shrink·w_up + perturb·w_fresh; (1, 0)
// is plain inheritance; the rest keeps its fresh value.
TEST_F(DeepAdvise, ShrinkAndPerturbMixesExactlyTheInheritedEntries) {
  auto s = spec(data_dir("d", 2, 60));
  const auto data = experiment::deep::load(s);
  const torch::Device cpu(torch::kCPU);
  const auto up = experiment::deep::fresh(experiment::deep::model_spec(s, data, 2), 5, core::Stream::upstream_init, cpu);
  const auto source = transfer::deep::state_of(*up);
  const auto fresh = [&] { return experiment::deep::fresh_downstream(s, data, 2, 0, cpu); };
  s.alphas = {0.5};
  auto plain = fresh();
  const auto plain_report = experiment::deep::inherit(s, 0.5, source, *plain, 0, {}).report;
  s.shrink = 0.5;
  s.perturb = 0.25;
  auto mixed = fresh();
  experiment::deep::inherit(s, 0.5, source, *mixed, 0, {});
  const auto f = transfer::deep::state_of(*fresh());
  const auto m = transfer::deep::state_of(*mixed);
  const auto p = transfer::deep::state_of(*plain);
  int checked = 0;
  for (const auto& t : plain_report.tensors) {
    if (!t.inherited.defined() || !m.contains(t.name) || !up->named_parameters().contains(t.name)) continue;
    const auto expected = t.inherited * (0.5 * source.at(t.name) + 0.25 * f.at(t.name)) + (1 - t.inherited) * f.at(t.name);
    EXPECT_TRUE(torch::allclose(m.at(t.name), expected, 1e-6, 1e-7)) << t.name;
    EXPECT_TRUE(torch::equal(p.at(t.name), t.inherited * source.at(t.name) + (1 - t.inherited) * f.at(t.name))) << t.name;
    ++checked;
  }
  EXPECT_GT(checked, 5);
}

// stop_after_steps trains the first steps of the full schedule: at the full count it is the full
// run, to the bit; earlier it ends in the epoch where it stopped, evaluated there.
TEST_F(DeepAdvise, EarlyStopIsThePrefixOfTheFullSchedule) {
  const auto s = spec(data_dir("d", 2, 60));
  const auto data = experiment::deep::load(s);
  const auto stage = experiment::deep::downstream_stage(s, data, 0);
  const torch::Device cpu(torch::kCPU);
  auto o = experiment::deep::downstream_options(s, 0);  // 16 images, batch 4: 4 steps per epoch, 4 epochs
  auto a = experiment::deep::fresh_downstream(s, data, 2, 0, cpu);
  const auto full = train::deep::train_model(*a, stage.train, stage.test, o);
  o.stop_after_steps = 16;
  auto b = experiment::deep::fresh_downstream(s, data, 2, 0, cpu);
  const auto same = train::deep::train_model(*b, stage.train, stage.test, o);
  ASSERT_EQ(same.size(), full.size());
  EXPECT_EQ(same.back().train_loss, full.back().train_loss);
  EXPECT_EQ(same.back().test_accuracy, full.back().test_accuracy);
  o.stop_after_steps = 6;
  auto c = experiment::deep::fresh_downstream(s, data, 2, 0, cpu);
  const auto early = train::deep::train_model(*c, stage.train, stage.test, o);
  ASSERT_EQ(early.size(), 2u);                         // epoch 2, after 2 of its 4 steps
  EXPECT_EQ(early[0].train_loss, full[0].train_loss);  // the first epoch is the full run's
  EXPECT_TRUE(std::isfinite(early[1].test_accuracy));
}

TEST_F(DeepAdvise, BadOptionsAndTooFewImagesPerClassAreRefused) {
  const auto s = spec(data_dir("d", 2, 60));
  auto o = options();
  o.curve.folds = 9;  // 8 images per class
  try {
    advise::advise_deep(s, o);
    FAIL() << "expected an InputError";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("too few to split into 9 folds"), std::string::npos) << e.what();
  }
  o = options();
  o.tau = 0.0;
  EXPECT_THROW(advise::advise_deep(s, o), core::InputError);
  o = options();
  o.alphas = {1.5};
  EXPECT_THROW(advise::advise_deep(s, o), core::InputError);
  o = options();
  o.blocks = 9;
  EXPECT_THROW(advise::advise_deep(s, o), core::InputError);
  o = options();
  o.curve.budget = 0.0;
  EXPECT_THROW(advise::advise_deep(s, o), core::InputError);
}

// Scores of the penultimate features: every score finite for all three initialisations, the same
// on a rerun, and the norm-matched net differs from the fresh one.
TEST_F(DeepAdvise, FeatureScoresOfUpstreamFreshAndNormMatchedNets) {
  const auto s = spec(data_dir("d", 2, 60));
  const auto a = advise::deep_feature_scores(s, 2);
  const auto b = advise::deep_feature_scores(s, 2);
  ASSERT_EQ(a.size(), 7u);
  for (std::size_t k = 0; k < a.size(); ++k) {
    for (int i = 0; i < advise::kInits; ++i) EXPECT_TRUE(std::isfinite(a[k].value[static_cast<std::size_t>(i)].mean)) << a[k].name;
    EXPECT_EQ(a[k].minus_fresh.mean, b[k].minus_fresh.mean) << a[k].name;
  }
  EXPECT_EQ(a[0].name, "LogME");
  EXPECT_LE(a[1].value[0].mean, 0.0);  // LEEP is a mean log-likelihood
  EXPECT_NE(a[0].value[1].mean, a[0].value[2].mean);  // fresh ≠ norm-matched
}

// The CLI: a deep config is advised (JSON for scripts); too few images per fold is one line, exit 2.
TEST_F(DeepAdvise, CommandLineAdvisesDeepConfigsAndRefusesBadOnes) {
  const std::string dir = data_dir("d", 2, 60);
  write("tiny.toml", "[data]\ndataset = \"idx\"\ndir = \"" + dir +
                         "\"\n[upstream]\nclasses = [0, 1]\nper_class = 60\nepochs = 1\nbatch_size = 32\n"
                         "[downstream]\nclasses = [2, 3]\nper_class = 8\nepochs = 2\nbatch_size = 4\n"
                         "[run]\nseeds = 2\nthreads = 1\n");
  const std::string exe = PTLAB_EXE;
  ASSERT_EQ(std::system((exe + " advise " + path("tiny.toml") + " --seeds 2 --format json > " + path("a.json") + " 2> " +
                         path("a.err")).c_str()), 0);
  std::ifstream in(path("a.json"));
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"half\": \"deep\""), std::string::npos) << json;
  EXPECT_NE(json.find("first 2 blocks fine-tuned"), std::string::npos);
  const int rc = std::system((exe + " advise " + path("tiny.toml") + " --folds 20 > " + path("b.out") + " 2> " +
                              path("b.err")).c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  std::ifstream err(path("b.err"));
  std::string line, extra;
  std::getline(err, line);
  EXPECT_NE(line.find("too few to split into 20 folds"), std::string::npos) << line;
  EXPECT_FALSE(std::getline(err, extra)) << extra;
  EXPECT_EQ(std::filesystem::file_size(path("b.out")), 0u);
}

// `--calibration`: each candidate's predicted gain is its line's prediction from the feature
// score the calibration names (and the probe's own gain), with the line's interval.
TEST_F(DeepAdvise, CalibrationPredictsFromTheScoreByTheShippedLines) {
  const std::string dir = data_dir("d", 2, 60);
  write("tiny.toml", "[data]\ndataset = \"idx\"\ndir = \"" + dir +
                         "\"\n[upstream]\nclasses = [0, 1]\nper_class = 60\nepochs = 1\nbatch_size = 32\n"
                         "[downstream]\nclasses = [2, 3]\nper_class = 8\nepochs = 2\nbatch_size = 4\n"
                         "[run]\nseeds = 2\nthreads = 1\n");
  const std::string cal = PTLAB_SOURCE_DIR "/configs/advise/deep_calibration.toml";
  const std::string exe = PTLAB_EXE;
  ASSERT_EQ(std::system((exe + " advise " + path("tiny.toml") + " --seeds 2 --calibration " + cal + " --format json > " +
                         path("c.json") + " 2> " + path("c.err")).c_str()), 0);
  std::ifstream in(path("c.json"));
  const nlohmann::json doc = nlohmann::json::parse(in);
  const advise::DeepCalibration c = advise::load_deep_calibration(cal);
  ASSERT_EQ(doc.at("calibration").at("score").get<std::string>(), c.score);
  double z = std::nan("");
  for (const auto& s : doc.at("calibration").at("scores"))
    if (s.at("name") == c.score) z = s.at("minus_fresh").get<double>();
  ASSERT_TRUE(std::isfinite(z));
  const double t = experiment::student_t_quantile(0.975, c.pairs - 1);
  int checked = 0;
  for (const auto& s : doc.at("strategies")) {
    if (s.at("scratch").get<bool>()) continue;
    for (const auto& l : c.lines)
      if (l.candidate == s.at("name").get<std::string>()) {
        const double probe = s.at("early_gain").at("mean").get<double>();
        const double mean = l.intercept + l.score_slope * z + (c.probe_term ? l.probe_slope * probe : 0.0);
        EXPECT_NEAR(s.at("predicted_gain").at("mean").get<double>(), mean, 1e-9) << l.candidate;
        EXPECT_NEAR(s.at("predicted_gain").at("ci_high").get<double>() - mean, t * l.rmse, 1e-9) << l.candidate;
        ++checked;
      }
  }
  EXPECT_EQ(checked, static_cast<int>(c.lines.size()));
}
