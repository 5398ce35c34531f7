#pragma once
// The stored form of a run — the one writer and the one reader of records for both halves:
//   status   done | diverged | failed
//   point    JSON object: axis key → value, in axis order (deep: plus transfer.alpha or transfer.k)
//   record   JSON object (theory: record_json; deep: deep_record_json), NaN as null
//   curves   CSV rows under kCurvesHeader (store/run_dir.hpp); deep: step = epoch
//   dynamics CSV rows of γ/ρ summaries (theory only; empty when off)
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/runner.hpp"
#include "ptlab/experiment/sink.hpp"
#include "ptlab/store/study.hpp"

namespace ptlab::store {

/// NaN and ±∞ as JSON null, finite numbers as themselves (every record's NaN rule).
nlohmann::json json_number(double x);
/// The number of a JSON value; NaN for null or a non-number.
double number_of(const nlohmann::json& j);

/// A deep record as the study's record JSON: {"kind": "deep", "seed", "setting", "ntg",
/// "gain_points", "copied_fraction", "wall_s", "upstream": {"test_accuracy"}, "transfer" and
/// "scratch": {"test_accuracy", "test_error_true"}}; ntg = err_transfer − err_scratch (< 0: helps).
/// Runs with a validation set (downstream.val_fraction) add to "transfer" and "scratch":
/// "val_accuracy" and "epoch" (of the reported accuracies) and "val_curve" (per epoch, null where
/// not evaluated); deep_record_of reads their absence as NaN and epoch 0.
nlohmann::json deep_record_json(const experiment::DeepRecord& record);

/// The DeepRecord of a stored record JSON (curves left empty). Throws nlohmann::json errors for
/// a record that is not a deep record.
experiment::DeepRecord deep_record_of(const nlohmann::json& record);

/// A deep record's curves as CSV rows under kCurvesHeader (no header): phases upstream,
/// transfer, scratch; step = epoch; errors = 1 − accuracy (test_error = test_error_true: the
/// test labels are clean).
std::string deep_curves_rows(const experiment::DeepRecord& record);

/// A run's outcome in the stored text form (an EncodedRecord passes through unchanged).
experiment::EncodedRecord encode_record(const experiment::RunOutput& run);

/// The point JSON of a run: its axis values (TOML literals, which read as JSON values).
std::string point_json(const std::vector<std::pair<std::string, std::string>>& values);

/// The study row of a run, with the provenance JSON text recorded beside it.
RunRow row_of(const experiment::RunOutput& run, const std::string& provenance);

/// The run in a string and back, for MPI transport: encode writes the stored text form; decode
/// gives a RunOutput whose record is that EncodedRecord.
experiment::RunCodec run_codec();

}  // namespace ptlab::store
