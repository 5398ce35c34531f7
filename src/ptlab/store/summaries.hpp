#pragma once
// Reading a study back: per-point summaries of theory runs and the deep records, over every
// stored run (earlier calls' too). The one reader of stored records (store/record_format.hpp).
#include <string>
#include <utility>
#include <vector>

#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/stats.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "ptlab/store/study.hpp"

namespace ptlab::store {

/// One grid point summarised over its stored runs.
struct PointSummary {
  std::vector<std::string> values;  ///< axis values, in axis order
  std::string run_hash;
  int done = 0, diverged = 0, failed = 0;
  experiment::Stat ntg;                      ///< over done runs
  experiment::Stat transfer_test_error_true;
  experiment::Stat scratch_test_error_true;
};

/// Every point stored in a study, in order of its first run, summarised over its runs. `values`
/// are the point's axis values as JSON text.
std::vector<PointSummary> summarize_points(const Study& study);

/// The points of `sweep`'s grid, in grid order, summarised over their stored runs (a point
/// without runs has n = 0 everywhere); `values` are the grid's TOML literals.
std::vector<PointSummary> grid_summaries(const Study& study, const experiment::SweepSpec& sweep);

/// Every done deep run of a study: (run hash, record without curves), in insertion order.
std::vector<std::pair<std::string, experiment::DeepRecord>> deep_records(const Study& study);

}  // namespace ptlab::store
