#pragma once
// Test helpers: a sweep run into a study file or into memory, composed as the CLI composes it
// (experiment's runner, store's sink), returning the counts and the per-point results.
#include <optional>
#include <string>
#include <vector>

#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "ptlab/store/record_format.hpp"
#include "ptlab/store/study_sink.hpp"
#include "ptlab/store/summaries.hpp"

namespace support {

struct StudyRun {
  struct Counts {
    int total = 0, ran = 0, skipped = 0, failed = 0, other_shards = 0;
  } counts;
  std::vector<ptlab::store::PointSummary> points;  ///< grid order, over every stored run
};

inline StudyRun run_study(const ptlab::experiment::SweepSpec& sweep, const std::string& path, int threads,
                          ptlab::experiment::Shard shard = {}) {
  std::optional<ptlab::store::StudySink> study;
  const auto open = [&]() -> ptlab::experiment::Sink& {
    return study.emplace(ptlab::store::StudySink::open_for(ptlab::experiment::study_key(sweep), path,
                                                           ptlab::store::current_provenance("test")));
  };
  const auto r = ptlab::experiment::run_sweep(sweep, open, {.threads = threads, .shard = shard});
  return {{r.counts.total, r.ran, r.counts.skipped, r.failed, r.counts.other_shards},
          ptlab::store::grid_summaries(study->study(), sweep)};
}

struct DeepRun {
  int total = 0, ran = 0, skipped = 0;
  std::vector<ptlab::experiment::DeepPointResult> points;
};

/// Into the study at `path`, or into memory when `path` is empty.
inline DeepRun run_deep(const ptlab::experiment::DeepSweepSpec& sweep, const std::string& path,
                        const ptlab::experiment::DeepSweepRunOptions& options = {}) {
  ptlab::experiment::MemorySink memory;
  std::optional<ptlab::store::StudySink> study;
  const auto open = [&]() -> ptlab::experiment::Sink& {
    if (path.empty()) return memory;
    return study.emplace(ptlab::store::StudySink::open_for(ptlab::experiment::study_key(sweep), path,
                                                           ptlab::store::current_provenance("test")));
  };
  const auto outcome = ptlab::experiment::run_deep_sweep(sweep, open, options);
  const auto records = study ? ptlab::store::deep_records(study->study()) : ptlab::experiment::deep_records(memory);
  return {outcome.exec.counts.total, outcome.exec.ran, outcome.exec.counts.skipped,
          ptlab::experiment::deep_point_results(sweep, records, outcome)};
}

}  // namespace support
