#pragma once
// The text table of a deep experiment (`ptlab deep`).
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

}  // namespace ptlab::report
