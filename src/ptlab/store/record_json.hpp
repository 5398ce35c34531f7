#pragma once
// The JSON form of a run's records: one writer for summary.json and `--format json`.
// Every document carries "schema_version" (docs/style.md §5); NaN (diverged phases, undefined CIs)
// is written as null.
#include <nlohmann/json.hpp>
#include <string>

#include "ptlab/core/version.hpp"
#include "ptlab/experiment/run.hpp"

namespace ptlab::store {

inline constexpr int kSchemaVersion = 1;

/// What is needed to reproduce a run besides its resolved config.
struct Provenance {
  core::BuildInfo build;    ///< ptlab version, git SHA, compiler, flags
  std::string host;         ///< machine host name
  std::string started_utc;  ///< ISO 8601 start time
  std::string command;      ///< the command line
};

/// Gathers build info, host name and the current UTC time.
Provenance current_provenance(const std::string& command);

/// One seed's record (phases, inherited counts, NTG) without curves; NaN as null.
nlohmann::json record_json(const experiment::SeedRecord& record);

/// A summary statistic: {"n", "mean", "std", "ci95": [low, high]}, NaN as null.
nlohmann::json stat_json(const experiment::Stat& stat);

/// Provenance as a JSON object.
nlohmann::json provenance_json(const Provenance& provenance);

/// The whole result: provenance, config hash, per-seed records (without curves) and the summary.
nlohmann::json to_json(const experiment::ExperimentResult& result, const Provenance& provenance);

}  // namespace ptlab::store
