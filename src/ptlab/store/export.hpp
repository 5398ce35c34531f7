#pragma once
// Tidy exports of a study for pandas or R: one row per run (or per curve point).
#include <string>

#include "ptlab/store/study.hpp"

namespace ptlab::store {

/// CSV, one row per run: run_hash, seed, status, one column per axis key (union over the runs,
/// in order of first appearance), then every metric of the record, then error. Empty cell = NaN
/// or not applicable.
std::string export_runs_csv(const Study& study);

/// JSON Lines, one object per run: run_hash, seed, status, point, record, config, provenance, error.
std::string export_runs_jsonl(const Study& study);

/// CSV of every learning-curve point: run_hash, seed, axis columns, phase, step, train_loss,
/// train_error, test_error, test_error_true.
std::string export_curves_csv(const Study& study);

/// Writes an export to `path`, whole or not at all (core::replace_file). Throws core::InputError
/// when `path` is a directory or its parent is not an existing directory, core::IoError (naming
/// `path`) when the write fails.
void write_export(const std::string& path, const std::string& text);

/// The input checks of write_export alone, to refuse a bad path before long work.
void check_export_path(const std::string& path);

}  // namespace ptlab::store
