#include "ptlab/experiment/deep_inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <utility>

#include "ptlab/core/hash.hpp"

namespace ptlab::experiment {

namespace {

namespace fs = std::filesystem;

// "relative path\tsize\tmtime_ns\n" of one file, or "" if it cannot be read.
std::string line_of(const fs::path& file, const fs::path& relative) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return "";
  const auto time = fs::last_write_time(file, ec);
  if (ec) return "";
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  return fmt::format("{}\t{}\t{}\n", relative.generic_string(), size, ns);
}

}  // namespace

std::string files_fingerprint(const std::vector<std::string>& paths) {
  if (paths.empty()) return "";
  std::string text;
  for (const std::string& p : paths) {
    text += p + "\n";
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::pair<std::string, std::string>> lines;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec)) continue;
        const fs::path relative = it->path().lexically_relative(p);
        lines.emplace_back(relative.generic_string(), line_of(it->path(), relative));
      }
      std::sort(lines.begin(), lines.end());
      for (const auto& [name, line] : lines) text += line;
    } else if (fs::is_regular_file(p, ec)) {
      text += line_of(p, fs::path(p).filename());
    } else {
      text += "missing\n";
    }
  }
  return fmt::format("{:016x}", core::fnv1a(text, core::kDeepHashBasis));
}

std::vector<std::string> deep_data_files(DeepDataset dataset, const std::string& dir) {
  if (dir.empty()) return {};
  const auto in = [&](std::initializer_list<std::string> names) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(dir + "/" + n);
    return out;
  };
  switch (dataset) {
    case DeepDataset::folder: return in({"train", "test"});
    case DeepDataset::idx:
      return in({"train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte",
                 "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz"});
    case DeepDataset::fashion_mnist:
      return in({"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz"});
    case DeepDataset::cifar10:
      return in({"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin",
                 "test_batch.bin"});
    case DeepDataset::cifar100: return in({"train.bin", "test.bin"});
    case DeepDataset::opencv_digits: return in({"digits.png"});
    case DeepDataset::sklearn_digits: return in({"digits.csv.gz"});
  }
  return {dir};
}

std::string deep_inputs_fingerprint(const DeepSpec& spec) {
  std::vector<std::string> paths = deep_data_files(spec.dataset, spec.dir);
  if (!spec.downstream_dir.empty()) {
    const auto down = deep_data_files(spec.downstream_dataset.value_or(spec.dataset), spec.downstream_dir);
    paths.insert(paths.end(), down.begin(), down.end());
  }
  if (!spec.import_weights.empty()) paths.push_back(spec.import_weights);
  return files_fingerprint(paths);
}

}  // namespace ptlab::experiment
