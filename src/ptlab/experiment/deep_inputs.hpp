#pragma once
// What a deep run reads from the user's disk, as one fingerprint: the data folders (data.dir,
// data.downstream_dir) and the imported weights (transfer.import). The run hash covers the config
// text only, so a study or an upstream checkpoint would otherwise be reused after the images or
// the archive changed in place. Torch-free.
#include <string>
#include <vector>

#include "ptlab/experiment/deep_config.hpp"

namespace ptlab::experiment {

/// 16 hex digits of FNV-1a over, for each path in order, every regular file below it (a file:
/// itself) as "relative path, size in bytes, modification time in ns", sorted by relative path; a
/// missing path counts as "missing". "" for no paths. Cheap (metadata only, no file is read):
/// copying the same files anew changes the modification times and so the fingerprint.
std::string files_fingerprint(const std::vector<std::string>& paths);

/// The paths a data set's reader takes from `dir` (the names data/dataset_dir.cpp and the
/// readers it calls look for; folder: the train/ and test/ trees). None for dir = "" (the shipped
/// place of Fashion-MNIST and the digits), so only the user's files are fingerprinted.
std::vector<std::string> deep_data_files(DeepDataset dataset, const std::string& dir);

/// files_fingerprint of the user's files a spec reads: deep_data_files of data.dir and of
/// data.downstream_dir, and transfer.import, where set; "" when it reads none.
std::string deep_inputs_fingerprint(const DeepSpec& spec);

}  // namespace ptlab::experiment
