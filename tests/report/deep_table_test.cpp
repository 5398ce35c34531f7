// The deep table's statistics (no interval from fewer than 3 seeds, one verdict line) and the records CSV.
#include "ptlab/report/deep_table.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ptlab/experiment/stats.hpp"
#include "ptlab/store/deep_json.hpp"

using namespace ptlab;

namespace {

experiment::DeepResult with_gains(const std::vector<std::vector<double>>& gains) {
  experiment::DeepResult r;
  double setting = 0.0;
  for (const auto& g : gains) {
    experiment::DeepSummary row;
    row.setting = setting;
    setting += 0.5;
    std::vector<double> acc(g.size(), 0.8);
    row.scratch = experiment::summarize(acc);
    row.transfer = experiment::summarize(acc);
    row.gain = experiment::summarize(g);
    r.summary.push_back(row);
  }
  return r;
}

}  // namespace

TEST(DeepTable, TwoSeedsGiveNoIntervalAndAnUndeterminedVerdict) {
  const std::string t = report::deep_table(with_gains({{0.0, 0.0}, {1.0, 9.0}}), "t");
  // The 2-seed t-interval of {1, 9} would be 5 ± 50.8: not printed.
  EXPECT_NE(t.find("+5.00 (no CI: 2 seeds)"), std::string::npos) << t;
  EXPECT_EQ(t.find("[-"), std::string::npos) << t;
  EXPECT_NE(t.find("verdict: undetermined (2 seeds; a 95% CI needs at least 3); largest mean gain +5.00 points at alpha = 0.5"),
            std::string::npos)
      << t;
}

TEST(DeepTable, TheHeaderCountsInTheSingularForOne) {
  experiment::DeepResult r = with_gains({{0.0}, {1.0}});
  r.spec.seeds = 1;
  r.threads = 1;
  r.device = "cpu";
  r.spec.upstream.epochs = 1;
  r.spec.downstream.epochs = 1;
  const std::string one = report::deep_table(r, "t");
  EXPECT_NE(one.find("(1 seed, 1 thread on cpu, "), std::string::npos) << one;
  EXPECT_NE(one.find("per class, 1 epoch)\n"), std::string::npos) << one;
  EXPECT_EQ(one.find("1 epochs"), std::string::npos) << one;
  r.spec.seeds = 2;
  r.threads = 2;
  r.spec.downstream.epochs = 30;
  const std::string two = report::deep_table(r, "t");
  EXPECT_NE(two.find("(2 seeds, 2 threads on cpu, "), std::string::npos) << two;
  EXPECT_NE(two.find("per class, 30 epochs)\n"), std::string::npos) << two;
}

TEST(DeepTable, EnoughSeedsGiveTheIntervalAndTheBestSettingsVerdict) {
  const std::string t = report::deep_table(with_gains({{0.0, 0.0, 0.0}, {2.0, 3.0, 4.0}, {-1.0, 1.0, 0.5}}), "t");
  // {2, 3, 4}: mean 3, sd 1, t(0.975, 2) = 4.303: CI 3 ± 2.48.
  EXPECT_NE(t.find("+3.00 [+0.52, +5.48]"), std::string::npos) << t;
  EXPECT_NE(t.find("verdict: at alpha = 0.5 (the largest mean gain of 2 settings that differ from scratch): positive transfer (gain +3.00 points, "
                   "95% CI [+0.52, +5.48] > 0)"),
            std::string::npos)
      << t;
  // When every α > 0 loses, the verdict is still about them, not about α = 0 (scratch itself).
  const std::string worse = report::deep_table(with_gains({{0.0, 0.0, 0.0}, {-1.0, -2.0, -3.0}, {-4.0, -5.0, -6.0}}), "t");
  EXPECT_NE(worse.find("verdict: at alpha = 0.5 (the largest mean gain of 2 settings that differ from scratch): no "
                       "significant difference (gain -2.00 points, 95% CI [-4.48, +0.48] contains 0)"),
            std::string::npos) << worse;
  const std::string one = report::deep_table(with_gains({{0.0, 0.0, 0.0}, {1.0, 2.0, 3.0}}), "t");
  EXPECT_NE(one.find("verdict: at alpha = 0.5 (the largest mean gain of 1 setting that differs from scratch): "),
            std::string::npos) << one;
  // Only α = 0: that row it is.
  const std::string only = report::deep_table(with_gains({{0.0, 0.0, 0.0}}), "t");
  EXPECT_NE(only.find("verdict: at alpha = 0 (the largest mean gain of 1 setting): "), std::string::npos) << only;
}

namespace {

// Three seeds at α ∈ {0, 1} with validation accuracies: seed 0 and 1 prefer α = 1 on validation,
// seed 2 prefers α = 0.
experiment::DeepResult with_validation() {
  experiment::DeepResult r;
  r.spec.alphas = {0.0, 1.0};
  r.spec.seeds = 3;
  r.spec.downstream.val_fraction = 0.2;
  r.spec.downstream.select_epoch = experiment::DeepEpochChoice::val;
  const double transfer_test[2][3] = {{0.70, 0.72, 0.74}, {0.75, 0.78, 0.73}};
  const double transfer_val[2][3] = {{0.60, 0.61, 0.70}, {0.65, 0.66, 0.69}};
  for (int a = 0; a < 2; ++a)
    for (int s = 0; s < 3; ++s) {
      experiment::DeepRecord x;
      x.seed = static_cast<std::uint64_t>(s);
      x.setting = a;
      x.scratch_accuracy = transfer_test[0][s];
      x.transfer_accuracy = transfer_test[a][s];
      x.scratch_val_accuracy = transfer_val[0][s];
      x.transfer_val_accuracy = transfer_val[a][s];
      r.records.push_back(x);
    }
  r.summary = experiment::summarize_deep(r.spec, r.records);
  return r;
}

}  // namespace

TEST(DeepTable, ValidationColumnsAndTheSettingChosenOnValidation) {
  const std::string t = report::deep_table(with_validation(), "t");
  EXPECT_NE(t.find("transfer  scratch val transfer val"), std::string::npos) << t;  // apart from the verdict column
  // Mean validation accuracies: α = 1: (0.65 + 0.66 + 0.69)/3 = 0.6667.
  EXPECT_NE(t.find("0.6367       0.6667"), std::string::npos) << t;
  // Chosen per seed: α = 1 (seeds 0, 1), α = 0 (seed 2): test gains {5, 6, 0}: mean 3.67,
  // sd 3.215, t(0.975, 2) = 4.303: CI 3.67 ± 7.99.
  EXPECT_NE(t.find("chosen on validation (per seed, the alpha of highest transfer validation accuracy): alpha = 0 in 1, "
                   "alpha = 1 in 2 of 3 seeds; test gain +3.67 points, 95% CI [-4.32, +11.65]"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("acc = test split; val = mean accuracy on the validation images held out of the downstream training "
                   "set;\n  each run reports its best-validation epoch"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("0.2 of them held out for validation"), std::string::npos) << t;
  // No line ends in a blank.
  EXPECT_EQ(t.find(" \n"), std::string::npos) << t;
}

TEST(DeepTable, WithoutValidationThereIsNoValidationColumnOrChoice) {
  const std::string t = report::deep_table(with_gains({{0.0, 0.0, 0.0}, {2.0, 3.0, 4.0}}), "t");
  EXPECT_EQ(t.find("val"), std::string::npos) << t;
  EXPECT_EQ(t.find(" \n"), std::string::npos) << t;
}

TEST(DeepTable, BaselinesTableNamesEachCandidateAndTheBestOne) {
  experiment::DeepResult meta;
  meta.spec.seeds = 3;
  const auto records = [](double gain) {
    std::vector<experiment::DeepRecord> out;
    for (int s = 0; s < 3; ++s) {
      experiment::DeepRecord r;
      r.seed = static_cast<std::uint64_t>(s);
      r.setting = 1.0;
      r.scratch_accuracy = 0.5;
      r.transfer_accuracy = 0.5 + (gain + s - 1) / 100.0;
      out.push_back(r);
    }
    return out;
  };
  const std::string t = report::deep_baselines_table(meta, {"alpha = 1", "linear probe (alpha = 1)"},
                                                     {records(2.0), records(-3.0)}, "b");
  // Gains {1, 2, 3}: 2 ± 2.48; {-4, -3, -2}: -3 ± 2.48.
  EXPECT_NE(t.find("                alpha = 1"), std::string::npos) << t;
  EXPECT_NE(t.find("linear probe (alpha = 1)"), std::string::npos) << t;
  EXPECT_NE(t.find("-3.00 [-5.48, -0.52]  hurts"), std::string::npos) << t;
  EXPECT_NE(t.find("verdict: at alpha = 1 (the largest mean gain of 2 settings): no significant difference (gain +2.00 "
                   "points, 95% CI [-0.48, +4.48] contains 0)"), std::string::npos) << t;
}

TEST(DeepRecordsCsv, OneRowPerRecordUnderTheSettingKeyWithEmptyCellsForNaN) {
  experiment::DeepResult r;
  r.spec.rule = experiment::DeepRule::blocks;
  r.records.push_back({.seed = 4, .setting = 2.0, .upstream_accuracy = std::nan(""), .transfer_accuracy = 0.75,
                       .scratch_accuracy = 0.5, .copied_fraction = 0.25, .wall_s = 1.5});
  EXPECT_EQ(report::deep_records_csv(r),
            "seed,transfer.k,upstream_test_accuracy,transfer_test_accuracy,scratch_test_accuracy,gain_points,"
            "copied_fraction,wall_s,transfer_val_accuracy,scratch_val_accuracy,transfer_epoch,scratch_epoch\n"
            "4,2,,0.75,0.5,25,0.25,1.5,,,0,0\n");
  // With a validation set: the validation accuracies and the reported epochs.
  r.records[0].transfer_val_accuracy = 0.625;
  r.records[0].scratch_val_accuracy = 0.5;
  r.records[0].transfer_epoch = 20;
  r.records[0].scratch_epoch = 30;
  EXPECT_EQ(report::deep_records_csv(r).substr(report::deep_records_csv(r).find('\n') + 1),
            "4,2,,0.75,0.5,25,0.25,1.5,0.625,0.5,20,30\n");
}

// summary.json (ptlab deep --out, --format json) carries the validation means and the choice.
TEST(DeepTable, TheJsonSummaryHasTheValidationMeansAndTheChoice) {
  const auto j = store::deep_to_json(with_validation(), store::Provenance{});
  EXPECT_NEAR(j["summary"][1]["transfer_val"]["mean"].get<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(j["chosen_on_validation"]["settings"], (nlohmann::json{1.0, 1.0, 0.0}));
  EXPECT_EQ(j["chosen_on_validation"]["seeds"], (nlohmann::json{0, 1, 2}));
  EXPECT_NEAR(j["chosen_on_validation"]["gain_points"]["mean"].get<double>(), 11.0 / 3.0, 1e-9);
  // Without a validation set neither appears.
  const auto plain = store::deep_to_json(with_gains({{1.0, 2.0, 3.0}}), store::Provenance{});
  EXPECT_FALSE(plain.contains("chosen_on_validation"));
  EXPECT_FALSE(plain["summary"][0].contains("transfer_val"));
}
