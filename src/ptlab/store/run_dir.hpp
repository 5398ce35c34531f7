#pragma once
// The output directory of `ptlab run --out DIR` and `ptlab deep --out DIR`:
//   config.toml   the resolved config (canonical TOML; with it and the seeds the run is reproduced)
//   summary.json  provenance, per-seed records and the summary (store/record_json.hpp; deep:
//                 store/deep_json.hpp)
//   curves.csv    learning curves, one row per (seed, phase, step); deep: one per (setting,
//                 seed, phase, epoch), with the setting as the first column
//   dynamics.csv  γ/ρ summaries per (seed, phase, step, group, quantity), when dynamics.every > 0
//   dynamics_full.csv  every filter's coefficients per checkpoint, when dynamics.full = true
// The directory appears whole or not at all: it is written under a temporary name and renamed.
#include <string>

#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/store/record_json.hpp"

namespace ptlab::store {

/// CSV header of curves.csv (pinned by a golden test).
inline constexpr const char* kCurvesHeader =
    "seed,phase,step,train_loss,train_error,test_error,test_error_true";

/// Learning curves as CSV text, header included.
std::string curves_csv(const experiment::ExperimentResult& result);
/// The curve rows of one seed's record (no header).
std::string curves_rows(const experiment::SeedRecord& record);

/// A deep experiment's curves as CSV text: the study's curve rows of each record
/// (store/record_format.hpp's deep_curves_rows, step = epoch), in record order, each prefixed by
/// the record's setting, so the header is deep_setting_key + "," + kCurvesHeader. A seed's
/// upstream and scratch curves repeat in each of its settings' rows, as the study stores them.
std::string deep_curves_csv(const experiment::DeepResult& result);

/// The γ/ρ summary rows of one seed's record (no header; dynamics::summary_csv_header()).
std::string dynamics_rows(const experiment::SeedRecord& record);

/// Throws core::InputError unless `dir` can become an output directory: a non-empty path that is
/// neither the working directory nor one of its ancestors, that does not exist (or, with
/// `overwrite`, is a previous ptlab output directory holding only its three files), and whose
/// nearest existing ancestor is a writable directory (missing parents are created). Called
/// before running, so a bad --out costs nothing.
void check_output_dir(const std::string& dir, bool overwrite);

/// Writes the directory atomically (temporary sibling + rename). Throws what check_output_dir
/// throws, and core::IoError ("--out DIR: cannot write FILE: REASON") when a write, a directory
/// creation or the rename fails (a full disk, say), leaving no partial directory behind.
void write_run_dir(const std::string& dir, const experiment::ExperimentResult& result,
                   const Provenance& provenance, bool overwrite);

/// The same for a deep experiment: config.toml (deep_canonical_toml), summary.json
/// (deep_to_json) and curves.csv (deep_curves_csv). Same checks, errors and atomicity.
void write_deep_run_dir(const std::string& dir, const experiment::DeepResult& result,
                        const Provenance& provenance, bool overwrite);

}  // namespace ptlab::store
