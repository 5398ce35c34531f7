#pragma once
// Upstream checkpoints of deep runs: DIR/upstream-HASH[-FILES]-seedS.pt (the weights archive,
// written by the deep half) and DIR/upstream-HASH[-FILES]-seedS.csv (its learning curve). The hash
// covers what the upstream stage depends on (data, upstream section, architecture), so every
// config sharing an upstream reuses it; FILES, with a data.dir of the user's, is the
// files_fingerprint of that folder (experiment/deep_inputs.hpp), so replaced images retrain. This file holds the torch-free part: names and the curve.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::store {

struct Checkpoint {
  std::filesystem::path weights, curve;
  /// Both files are there (a .pt is renamed into place last, so it means a complete checkpoint).
  bool complete() const;
};

/// The checkpoint of `spec`'s upstream stage at `seed` in `dir`: named by the hash of what the
/// upstream depends on (data set, data.size and data.channels, [upstream], model.arch and model.stem).
Checkpoint checkpoint_of(const experiment::DeepSpec& spec, const std::string& dir, std::uint64_t seed);

/// Reads a checkpoint's curve. Throws core::InputError naming the file for a malformed line or an
/// empty curve (with "delete the checkpoint to retrain").
std::vector<experiment::DeepEpoch> read_checkpoint_curve(const std::filesystem::path& path);

/// Writes the curve, then the weights through `save_weights(path)` under a temporary name renamed
/// onto c.weights. Throws core::IoError naming the file when a write or the rename fails.
void write_checkpoint(const Checkpoint& c, const std::vector<experiment::DeepEpoch>& curve,
                      const std::function<void(const std::string& path)>& save_weights);

}  // namespace ptlab::store
