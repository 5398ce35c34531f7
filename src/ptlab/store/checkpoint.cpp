#include "ptlab/store/checkpoint.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_inputs.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/experiment/deep_config.hpp"

namespace ptlab::store {

namespace fs = std::filesystem;

bool Checkpoint::complete() const {
  std::error_code ec;
  return fs::exists(weights, ec) && fs::exists(curve, ec);
}

Checkpoint checkpoint_of(const experiment::DeepSpec& spec, const std::string& dir, std::uint64_t seed) {
  experiment::DeepSpec u;
  u.dataset = spec.dataset;
  u.dir = spec.dir;
  u.upstream = spec.upstream;
  u.arch = spec.arch;
  // What else shapes the upstream model and its images (left out of the hash at their defaults,
  // so earlier checkpoints keep their names).
  u.stem = spec.stem;
  u.size = spec.size;
  u.channels = spec.channels;
  // The upstream images themselves when they are the user's (files_fingerprint: names, sizes,
  // times), so that replaced files are never served a stale checkpoint.
  const std::string files = spec.dir.empty() ? "" : "-" + experiment::files_fingerprint(experiment::deep_data_files(spec.dataset, spec.dir));
  const std::string stem = fmt::format("upstream-{}{}-seed{}", experiment::deep_run_hash(u), files, seed);
  return {fs::path(dir) / (stem + ".pt"), fs::path(dir) / (stem + ".csv")};
}

std::vector<experiment::DeepEpoch> read_checkpoint_curve(const fs::path& path) {
  std::ifstream in(path);
  std::vector<experiment::DeepEpoch> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    experiment::DeepEpoch e;
    if (std::sscanf(line.c_str(), "%d,%lf,%lf,%lf", &e.epoch, &e.train_loss, &e.train_accuracy, &e.test_accuracy) != 4)
      throw core::InputError(fmt::format("{}: malformed line '{}'; expected epoch,train_loss,train_accuracy,"
                                         "test_accuracy (delete the checkpoint to retrain)", path.string(), line));
    out.push_back(e);
  }
  if (out.empty())
    throw core::InputError(fmt::format("{}: no epochs; expected a checkpoint curve (delete the checkpoint to retrain)",
                                       path.string()));
  return out;
}

void write_checkpoint(const Checkpoint& c, const std::vector<experiment::DeepEpoch>& curve,
                      const std::function<void(const std::string& path)>& save_weights) {
  std::error_code ec;
  fs::create_directories(c.weights.parent_path(), ec);
  std::string text = "epoch,train_loss,train_accuracy,test_accuracy\n";
  for (const auto& e : curve) text += fmt::format("{},{},{},{}\n", e.epoch, e.train_loss, e.train_accuracy, e.test_accuracy);
  core::replace_file(c.curve.string(), text);
  // The weights last, under a temporary name: a present .pt means a complete checkpoint.
  const fs::path tmp = c.weights.string() + ".tmp";
  save_weights(tmp.string());
  fs::rename(tmp, c.weights, ec);
  if (ec) throw core::IoError(fmt::format("{}: cannot write the checkpoint: {}", c.weights.string(), ec.message()));
}

}  // namespace ptlab::store
