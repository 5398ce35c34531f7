#pragma once
// Internal: how a sweep run becomes a study row, shared by the threaded and the MPI runners.
#include <string>
#include <vector>

#include "ptlab/experiment/sweep.hpp"
#include "ptlab/store/study.hpp"
#include "ptlab/store/study_run.hpp"

namespace ptlab::store::detail {

/// What a run produced, as stored: status (done, diverged or failed), record JSON, curve rows, error,
/// γ/ρ summary rows.
struct RunOutcome {
  std::string status;
  std::string record = "{}";
  std::string curves;
  std::string error;
  std::string dynamics;
};

/// The outcome of a run that returned `record`, or (record null) failed with `error`.
RunOutcome outcome_of(const experiment::SeedRecord* record, const std::string& error);

/// The study row of a run of grid point `point` (its axis values from `sweep`).
RunRow sweep_row(const experiment::SweepSpec& sweep, const experiment::GridPoint& point, const std::string& run_hash,
                 std::uint64_t seed, const std::string& provenance, RunOutcome outcome);

/// Opens the study, records its meta data (created, version, axes) and returns it.
Study open_for_sweep(const experiment::SweepSpec& sweep, const std::string& path, const Provenance& provenance);

/// Per-point summaries from the store (runs of earlier calls included), in grid order.
std::vector<PointSummary> grid_summaries(const Study& study, const std::vector<experiment::GridPoint>& points,
                                         const std::vector<std::string>& hashes);

}  // namespace ptlab::store::detail
