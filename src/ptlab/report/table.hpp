#pragma once
// Human and tidy renderings of an experiment's result (the JSON form is store/record_json.hpp).
#include <string>

#include "ptlab/experiment/run.hpp"

namespace ptlab::report {

/// Header of seeds_csv (pinned by a golden test).
inline constexpr const char* kSeedsCsvHeader =
    "seed,valid,upstream_status,upstream_steps,upstream_train_error,upstream_test_error,"
    "transfer_status,transfer_steps,transfer_train_loss,transfer_test_error,transfer_test_error_true,"
    "scratch_status,scratch_steps,scratch_train_loss,scratch_test_error,scratch_test_error_true,"
    "filters_inherited,ntg,ntg_observed,wall_s";

/// One row per seed, tidy (for pandas or R); diverged values are empty cells.
std::string seeds_csv(const experiment::ExperimentResult& result);

/// A terminal table: per-seed rows, the summary over valid seeds (mean, std, 95% CI) and the
/// verdict on NTG. `title` heads it (e.g. the config path).
std::string text_table(const experiment::ExperimentResult& result, const std::string& title);

/// The summary's verdict with the NTG mean and 95% CI that decide it.
std::string verdict(const experiment::Summary& summary);

}  // namespace ptlab::report
