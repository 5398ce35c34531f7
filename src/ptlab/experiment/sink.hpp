#pragma once
// Where the runners put what they ran. A sink says which runs are already finished (the planner
// skips them) and takes each run as it finishes, one call at a time. The study store implements
// it for SQLite files (store/study_sink.hpp); MemorySink keeps runs in memory for work without a
// store (deep runs without --store, `ptlab verify`). Runners know only this interface.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/jobs.hpp"
#include "ptlab/experiment/run.hpp"

namespace ptlab::experiment {

/// A record already in the store's text form (record JSON, curve and γ/ρ CSV rows), as it
/// arrives from another process (an MPI rank). Sinks keep it verbatim.
struct EncodedRecord {
  std::string status;  ///< "done", "diverged" or "failed"
  std::string record;  ///< JSON object
  std::string curves;  ///< CSV rows
  std::string dynamics;
};

/// One finished run of a grid point at one setting and seed.
struct RunOutput {
  int point = 0;    ///< grid point index
  int setting = 0;  ///< index into the point's settings (0 for theory points)
  std::string run_hash;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> values;  ///< axis key → TOML literal, axis order
  std::string config;  ///< canonical TOML of the run's config
  std::string error;   ///< why the run failed (record then holds monostate)
  std::variant<std::monostate, SeedRecord, DeepRecord, EncodedRecord> record;

  bool failed() const { return std::holds_alternative<std::monostate>(record); }
  /// Whether the run counts as finished (done or diverged; failed runs are retried).
  bool finished() const;
};

class Sink {
 public:
  virtual ~Sink() = default;
  /// The runs not to run again.
  virtual RunKeys finished() const = 0;
  /// Keeps one finished run (called one at a time, in completion order).
  virtual void put(RunOutput run) = 0;
};

/// Keeps every run in memory, in completion order. Finished runs are those put, failed ones
/// excepted.
class MemorySink final : public Sink {
 public:
  RunKeys finished() const override;
  void put(RunOutput run) override;
  const std::vector<RunOutput>& runs() const { return runs_; }

 private:
  std::vector<RunOutput> runs_;
};

}  // namespace ptlab::experiment
