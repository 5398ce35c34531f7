#include "ptlab/data/images.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <filesystem>

#include "ptlab/core/error.hpp"

namespace ptlab::data {
namespace {

// The whole file, decompressed if it is gzipped (zlib reads plain files unchanged).
std::vector<std::uint8_t> read_bytes(const std::string& path, std::size_t limit) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw core::InputError(fmt::format("{}: {}; expected a data file", path,
                                       std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw core::InputError(fmt::format("{}: cannot open", path));
  std::vector<std::uint8_t> out;
  std::uint8_t buffer[1 << 16];
  for (;;) {
    const int got = gzread(f, buffer, sizeof buffer);
    if (got < 0) {
      int code = 0;
      const std::string why = gzerror(f, &code);
      gzclose(f);
      throw core::InputError(fmt::format("{}: corrupt gzip data ({}); expected a gzipped or plain data file", path, why));
    }
    if (got == 0) break;
    out.insert(out.end(), buffer, buffer + got);
    if (out.size() > limit) {
      gzclose(f);
      throw core::InputError(fmt::format("{}: more than {} bytes; expected a smaller data file", path, limit));
    }
  }
  gzclose(f);
  return out;
}

std::uint32_t big_endian(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

constexpr std::size_t kMaxBytes = std::size_t{4} << 30;  // 4 GiB: no image data set we read is larger

}  // namespace

ImageSet read_idx(const std::string& images_path, const std::string& labels_path, int classes) {
  const auto images = read_bytes(images_path, kMaxBytes);
  const auto labels = read_bytes(labels_path, kMaxBytes);
  if (images.size() < 16 || big_endian(images, 0) != 0x00000803)
    throw core::InputError(fmt::format("{}: not an IDX image file; expected magic 0x00000803 (unsigned bytes, 3 "
                                       "dimensions) and a 16-byte header", images_path));
  if (labels.size() < 8 || big_endian(labels, 0) != 0x00000801)
    throw core::InputError(fmt::format("{}: not an IDX label file; expected magic 0x00000801 (unsigned bytes, 1 "
                                       "dimension) and an 8-byte header", labels_path));
  const std::uint64_t n = big_endian(images, 4), h = big_endian(images, 8), w = big_endian(images, 12);
  if (h == 0 || w == 0 || h > 4096 || w > 4096)
    throw core::InputError(fmt::format("{}: images of {} × {} pixels; expected 1 to 4096 per side", images_path, h, w));
  if (images.size() != 16 + n * h * w)
    throw core::InputError(fmt::format("{}: {} bytes; expected 16 + {} × {} × {} = {} (truncated or padded?)", images_path,
                                       images.size(), n, h, w, 16 + n * h * w));
  const std::uint64_t n_labels = big_endian(labels, 4);
  if (labels.size() != 8 + n_labels)
    throw core::InputError(fmt::format("{}: {} bytes; expected 8 + {} = {} (truncated or padded?)", labels_path,
                                       labels.size(), n_labels, 8 + n_labels));
  if (n_labels != n)
    throw core::InputError(fmt::format("{}: {} labels for the {} images of {}; expected equal counts", labels_path,
                                       n_labels, n, images_path));
  ImageSet set;
  set.n = static_cast<int>(n);
  set.channels = 1;
  set.height = static_cast<int>(h);
  set.width = static_cast<int>(w);
  set.classes = classes;
  set.pixels.assign(images.begin() + 16, images.end());
  set.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int label = labels[8 + i];
    if (label >= classes)
      throw core::InputError(fmt::format("{}: label {} at index {}; expected labels in [0, {})", labels_path, label, i,
                                         classes));
    set.labels[i] = label;
  }
  return set;
}

namespace {

ImageSet read_cifar(const std::vector<std::string>& paths, int label_bytes, int label_index, int classes) {
  constexpr std::size_t kPixels = 3 * 32 * 32;
  const std::size_t record = label_bytes + kPixels;
  ImageSet set;
  set.channels = 3;
  set.height = set.width = 32;
  set.classes = classes;
  if (paths.empty()) throw core::InputError("CIFAR: no batch files given; expected at least one");
  for (const auto& path : paths) {
    const auto bytes = read_bytes(path, kMaxBytes);
    if (bytes.empty() || bytes.size() % record != 0)
      throw core::InputError(fmt::format("{}: {} bytes; expected a whole number of {}-byte CIFAR-{} records", path,
                                         bytes.size(), record, classes == 10 ? 10 : 100));
    for (std::size_t at = 0; at < bytes.size(); at += record) {
      const int label = bytes[at + static_cast<std::size_t>(label_index)];
      if (label >= classes)
        throw core::InputError(fmt::format("{}: label {} in record {}; expected labels in [0, {})", path, label,
                                           at / record, classes));
      set.labels.push_back(label);
      set.pixels.insert(set.pixels.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at + label_bytes),
                        bytes.begin() + static_cast<std::ptrdiff_t>(at + record));
    }
  }
  set.n = static_cast<int>(set.labels.size());
  return set;
}

}  // namespace

ImageSet read_cifar10(const std::vector<std::string>& paths) { return read_cifar(paths, 1, 0, 10); }

ImageSet read_cifar100(const std::vector<std::string>& paths, bool fine) {
  return read_cifar(paths, 2, fine ? 1 : 0, fine ? 100 : 20);
}

ImageSet load_fashion_mnist(bool train, const std::string& dir) {
  const std::string prefix = train ? "train" : "t10k";
  const std::string images = dir + "/" + prefix + "-images-idx3-ubyte.gz";
  const std::string labels = dir + "/" + prefix + "-labels-idx1-ubyte.gz";
  std::error_code ec;
  for (const auto& f : {images, labels})
    if (!std::filesystem::exists(f, ec))
      throw core::InputError(fmt::format("{}: no such file; expected Debian's dataset-fashion-mnist "
                                         "(scripts/install-deps.sh installs it)", f));
  return read_idx(images, labels, 10);
}

}  // namespace ptlab::data
