#pragma once
// Deep runs in a study store (store/study.hpp), the same SQLite file and schema as theory runs,
// so `ptlab plot`, `ptlab report`, `ptlab export` and `ptlab merge` work on them:
//   run_hash  deep_run_hash of the grid point's config at one setting (α or k)
//   point     the sweep's axis values plus "transfer.alpha" (or "transfer.k")
//   config    the canonical deep TOML of that one setting
//   record    {"kind": "deep", "seed", "setting", "ntg", "gain_points", "upstream": {...},
//              "transfer": {"test_accuracy", "test_error_true"}, "scratch": {...}, ...}
//             with ntg = err_transfer − err_scratch (the theory half's sign: < 0 transfer helps)
//   curves    one row per (seed, phase, epoch) under the theory half's header; step = epoch
// The study's meta "kind" is "deep"; its study_id starts with "deep:", so theory and deep runs
// never share a study.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/store/record_json.hpp"
#include "ptlab/store/study.hpp"

namespace ptlab::store {

/// Whether a study holds deep runs (meta kind = "deep").
bool is_deep_study(const Study& study);

/// A deep record as the study's record JSON (NaN as null).
nlohmann::json deep_record_json(const experiment::DeepRecord& record);

/// A deep record's curves as CSV rows under kCurvesHeader (no header): phases upstream,
/// transfer, scratch; step = epoch; errors = 1 − accuracy (test_error = test_error_true: the
/// test labels are clean).
std::string deep_curves_rows(const experiment::DeepRecord& record);

/// The DeepRecord of a stored record JSON (curves left empty).
experiment::DeepRecord deep_record_of(const nlohmann::json& record);

struct DeepStudyOptions {
  std::string checkpoints;  ///< upstream checkpoints (experiment::DeepRunOptions::checkpoints)
  std::function<void(const std::string&)> message;
  std::function<void(std::int64_t, std::int64_t)> batches;  ///< within the current grid point
  std::function<void(int, int)> point_started;  ///< (point index, points) before each grid point
  Provenance provenance;    ///< recorded with every run
};

struct DeepPointResult {
  std::vector<std::string> values;  ///< axis values (TOML literals), in axis order
  experiment::DeepResult result;    ///< every stored record of the point, this call's and earlier
};

struct DeepStudyResult {
  int total = 0;    ///< points × settings × seeds
  int skipped = 0;  ///< already in the store
  int ran = 0;
  std::vector<std::string> axes;
  std::vector<DeepPointResult> points;  ///< in grid order
};

/// Runs a deep sweep (or a plain deep config: one point) into the study at `path` (created if
/// missing), committing each record as it finishes; records already stored are not rerun, and a
/// seed with nothing left to run trains nothing. Throws core::InputError if the store holds
/// another sweep or theory runs, or cannot be written.
DeepStudyResult run_deep_study(const experiment::DeepSweepSpec& sweep, const std::string& path,
                               const DeepStudyOptions& options);

/// Runs a deep sweep without a store (records kept in memory).
DeepStudyResult run_deep_sweep(const experiment::DeepSweepSpec& sweep, const DeepStudyOptions& options);

}  // namespace ptlab::store
