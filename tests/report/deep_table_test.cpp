// The deep table's statistics (no interval from fewer than 3 seeds, one verdict line) and the records CSV.
#include "ptlab/report/deep_table.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ptlab/experiment/stats.hpp"

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

TEST(DeepTable, EnoughSeedsGiveTheIntervalAndTheBestSettingsVerdict) {
  const std::string t = report::deep_table(with_gains({{0.0, 0.0, 0.0}, {2.0, 3.0, 4.0}, {-1.0, 1.0, 0.5}}), "t");
  // {2, 3, 4}: mean 3, sd 1, t(0.975, 2) = 4.303: CI 3 ± 2.48.
  EXPECT_NE(t.find("+3.00 [+0.52, +5.48]"), std::string::npos) << t;
  EXPECT_NE(t.find("verdict: at alpha = 0.5 (the largest mean gain of 3 settings): positive transfer (gain +3.00 points, "
                   "95% CI [+0.52, +5.48] > 0)"),
            std::string::npos)
      << t;
}

TEST(DeepRecordsCsv, OneRowPerRecordUnderTheSettingKeyWithEmptyCellsForNaN) {
  experiment::DeepResult r;
  r.spec.rule = experiment::DeepRule::blocks;
  r.records.push_back({.seed = 4, .setting = 2.0, .upstream_accuracy = std::nan(""), .transfer_accuracy = 0.75,
                       .scratch_accuracy = 0.5, .copied_fraction = 0.25, .wall_s = 1.5});
  EXPECT_EQ(report::deep_records_csv(r),
            "seed,transfer.k,upstream_test_accuracy,transfer_test_accuracy,scratch_test_accuracy,gain_points,"
            "copied_fraction,wall_s\n"
            "4,2,,0.75,0.5,25,0.25,1.5\n");
}
