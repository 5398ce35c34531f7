#pragma once
// A study store as the runners' sink (experiment/sink.hpp): each run committed as it finishes,
// in the stored form of store/record_format.hpp. One way to open a study for either half.
#include <string>

#include "ptlab/experiment/sink.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "ptlab/store/record_json.hpp"
#include "ptlab/store/study.hpp"

namespace ptlab::store {

/// Whether a study holds deep runs (meta kind = "deep").
bool is_deep_study(const Study& study);

class StudySink final : public experiment::Sink {
 public:
  /// Opens the study at `path` (created if missing) for the sweep identified by `key`, and records
  /// its meta data (study_id, kind, axes, created, version). Throws core::InputError if the study
  /// holds the other half's runs, another sweep (another base config or other axes), runs of an
  /// unidentified sweep, or cannot be opened or written.
  static StudySink open_for(const experiment::StudyKey& key, const std::string& path, const Provenance& provenance);

  experiment::RunKeys finished() const override;
  void put(experiment::RunOutput run) override;
  const Study& study() const { return study_; }

 private:
  StudySink(Study study, std::string provenance) : study_(std::move(study)), provenance_(std::move(provenance)) {}
  Study study_;
  std::string provenance_;  ///< JSON text recorded with every run
};

/// The study file of a shard: NAME.shard-I-of-N.EXT beside `path` (`path` itself for one shard).
std::string shard_path(const std::string& path, const experiment::Shard& shard);

/// The default study file of a config: its name with .db, in the current directory.
std::string default_study_path(const std::string& config_path);

}  // namespace ptlab::store
