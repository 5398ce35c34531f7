#pragma once
// Running a sweep into a study store: skip what is finished, run the rest in parallel, commit
// each run as it finishes, summarise every grid point from the store.
#include <functional>
#include <string>
#include <vector>

#include "ptlab/experiment/stats.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "ptlab/store/record_json.hpp"
#include "ptlab/store/study.hpp"

namespace ptlab::store {

struct StudyRunOptions {
  int threads = 0;  ///< 0 = all hardware threads
  int shard_index = 0;  ///< run only this shard of the jobs (see experiment::SweepOptions)
  int shard_count = 1;
  /// After each committed run: (runs done this call, runs to do this call).
  std::function<void(int, int)> progress;
  Provenance provenance;  ///< recorded with every run
};

/// One grid point summarised over its stored runs.
struct PointSummary {
  std::vector<std::string> values;  ///< axis values, in axis order
  std::string run_hash;
  int done = 0, diverged = 0, failed = 0;
  experiment::Stat ntg;                      ///< over done runs
  experiment::Stat transfer_test_error_true;
  experiment::Stat scratch_test_error_true;
};

struct StudyResult {
  experiment::SweepCounts counts;
  std::vector<std::string> axes;       ///< axis keys
  std::vector<PointSummary> points;    ///< in grid order
};

/// Every point stored in a study, in order of its first run, summarised over its runs. `values`
/// are the point's axis values as JSON text.
std::vector<PointSummary> summarize_points(const Study& study);

/// Copies every run of the studies `inputs` into the study `output` (created if missing); a run
/// already in `output` (same run_hash and seed, finished) is kept. Returns (copied, already there).
/// Throws core::InputError for a missing or foreign input.
std::pair<int, int> merge_studies(const std::string& output, const std::vector<std::string>& inputs);

/// Runs `sweep` into the study at `path` (created if missing). Throws core::InputError if the
/// store cannot be opened or written, or if the runs would not fit in memory; a run that throws is
/// stored as failed and retried by the next call.
StudyResult run_study(const experiment::SweepSpec& sweep, const std::string& path, const StudyRunOptions& options);

}  // namespace ptlab::store
