#pragma once
// Renderings of a deep experiment (`ptlab deep`): the text table and the tidy CSV of its records
// (the JSON form is store/deep_json.hpp).
#include <string>
#include <vector>

#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::report {

/// The paper-style table: per setting (α or k), scratch and transfer accuracy (mean ± sd over
/// seeds), the gain in points with its 95% CI, and the verdict of that CI (experiment::ntg_verdict).
/// With a validation set (downstream.val_fraction) it adds the mean validation accuracies and the
/// setting chosen on validation per seed with the test gain of that choice
/// (experiment::choose_by_validation).
std::string deep_table(const experiment::DeepResult& result, const std::string& title);

/// The table of `ptlab deep --baselines`: one row per named candidate (experiment::deep_baselines),
/// `records[i]` its paired runs, in the layout of deep_table; `result` gives the spec, threads,
/// device and wall time of the header.
std::string deep_baselines_table(const experiment::DeepResult& result, const std::vector<std::string>& names,
                                 const std::vector<std::vector<experiment::DeepRecord>>& records, const std::string& title);

/// Header of deep_records_csv after its setting column, which is named by the setting's key
/// ("transfer.alpha" or "transfer.k", as `ptlab export` names it). Pinned by a test.
inline constexpr const char* kDeepRecordsCsvColumns =
    "upstream_test_accuracy,transfer_test_accuracy,scratch_test_accuracy,gain_points,copied_fraction,wall_s,"
    "transfer_val_accuracy,scratch_val_accuracy,transfer_epoch,scratch_epoch";

/// One row per (seed, setting) record, in record order, for pandas or R: "seed,KEY," +
/// kDeepRecordsCsvColumns; accuracies in [0, 1], gain in points; NaN (an imported upstream's
/// accuracy, validation accuracies without a validation set) is an empty cell. The epochs are
/// those the accuracies come from (downstream.select_epoch); 0 when not recorded.
std::string deep_records_csv(const experiment::DeepResult& result);

}  // namespace ptlab::report
