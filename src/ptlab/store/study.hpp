#pragma once
// A study: one SQLite file (WAL journal) holding every run of a sweep, keyed by
// (run_hash, seed), so that an interrupted sweep resumes where it stopped and never runs or
// stores a run twice. Each finished run is committed in its own transaction: a kill at any
// moment loses at most the runs still in flight.
//
// Schema version 2 (version 1 added no dynamics column):
//   meta(key TEXT PRIMARY KEY, value TEXT)        schema_version, ptlab_version, created_utc, axes
//   runs(run_hash, seed, status, point, config, record, curves, provenance, error, dynamics,
//        PRIMARY KEY (run_hash, seed))
//   status ∈ {done, diverged, failed}; point, record and provenance are JSON; config is the
//   canonical TOML of the run's config; curves is CSV (store/run_dir.hpp's header); dynamics is
//   the CSV of γ/ρ summaries (dynamics/trajectory.hpp's header), empty when off.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;

namespace ptlab::store {

inline constexpr int kStudySchemaVersion = 2;

/// One stored run.
struct RunRow {
  std::string run_hash;     ///< experiment::run_hash of the run's config
  std::uint64_t seed = 0;
  std::string status;       ///< "done", "diverged" or "failed"
  std::string point;        ///< JSON object: axis key → value
  std::string config;       ///< canonical TOML
  std::string record;       ///< JSON of the seed record (empty object for a failed run)
  std::string curves;       ///< CSV learning curves
  std::string provenance;   ///< JSON
  std::string error;        ///< why a failed run failed
  std::string dynamics;     ///< CSV γ/ρ summaries (empty when dynamics are off)
};

class Study {
 public:
  /// Opens `path`, creating the file and schema (and missing parent directories) if missing. Throws core::InputError if the file
  /// cannot be opened or created (naming the path and SQLite's reason) or was written by another
  /// schema version.
  static Study open(const std::string& path);
  /// Opens an existing study read-only; throws core::InputError if it is missing or not a study.
  static Study open_existing(const std::string& path);

  Study(Study&&) noexcept;
  Study& operator=(Study&&) noexcept;
  ~Study();

  /// (run_hash, seed) of every run with status done or diverged (failed runs are retried).
  std::set<std::pair<std::string, std::uint64_t>> finished() const;
  /// Inserts a run, replacing a failed one with the same key; one transaction.
  void put(const RunRow& row);
  /// Every run, ordered by rowid (insertion order).
  std::vector<RunRow> rows() const;
  std::optional<std::string> meta(const std::string& key) const;
  void set_meta(const std::string& key, const std::string& value);
  const std::string& path() const { return path_; }

 private:
  Study(sqlite3* db, std::string path);
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace ptlab::store
