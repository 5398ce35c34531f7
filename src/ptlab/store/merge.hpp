#pragma once
// Combining studies, e.g. the shards of a job array (`ptlab merge`).
#include <string>
#include <utility>
#include <vector>

namespace ptlab::store {

/// Copies every run of the studies `inputs` into the study `output` (created if missing); a run
/// already in `output` (same run_hash and seed, finished) is kept. Returns (copied, already there).
/// Throws core::InputError for a missing or foreign input, or inputs of different sweeps.
std::pair<int, int> merge_studies(const std::string& output, const std::vector<std::string>& inputs);

}  // namespace ptlab::store
