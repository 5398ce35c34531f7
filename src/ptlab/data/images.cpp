#include "ptlab/data/images.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>

#include "ptlab/core/error.hpp"

namespace ptlab::data {
namespace {

constexpr std::size_t kMaxBytes = std::size_t{4} << 30;  // 4 GiB: no image data set we read is larger

// What one data file may hold: 4 GiB, or half the memory available now if that is less, so that a
// header claiming terabytes (or a gzip bomb) is refused before the memory is taken.
std::size_t byte_limit() {
  std::size_t available = 0;
  if (std::FILE* f = std::fopen("/proc/meminfo", "r")) {
    char line[256];
    unsigned long long kib = 0;
    while (std::fgets(line, sizeof line, f) != nullptr)
      if (std::sscanf(line, "MemAvailable: %llu kB", &kib) == 1) available = static_cast<std::size_t>(kib) * 1024;
    std::fclose(f);
  }
  if (available == 0)
    available = static_cast<std::size_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<std::size_t>(sysconf(_SC_PAGE_SIZE));
  return std::min(kMaxBytes, available / 2);
}

std::string limit_text(std::size_t limit) {
  return fmt::format("{} bytes ({:.2f} GiB: 4 GiB or half the memory available now, whichever is less)", limit,
                     static_cast<double>(limit) / (1 << 30));
}

// A data file read in order, decompressed if it is gzipped (zlib reads plain files unchanged).
// Reads take only what is asked for, so a size claimed by a header is checked before it is read.
class DataFile {
 public:
  explicit DataFile(const std::string& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw core::InputError(fmt::format("{}: {}; expected a data file", path,
                                         std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) throw core::InputError(fmt::format("{}: cannot open", path));
  }
  DataFile(const DataFile&) = delete;
  DataFile& operator=(const DataFile&) = delete;
  ~DataFile() { gzclose(file_); }

  /// Plain (not gzipped) files have a known size; gzipped ones report nullopt.
  std::optional<std::uintmax_t> plain_size() const {
    if (gzdirect(file_) == 0) return std::nullopt;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path_, ec);
    return ec ? std::nullopt : std::optional<std::uintmax_t>(size);
  }

  /// Appends up to `n` bytes to `out`; returns how many were there.
  std::size_t read(std::vector<std::uint8_t>& out, std::size_t n) {
    std::size_t got_total = 0;
    std::uint8_t buffer[1 << 16];
    while (got_total < n) {
      const auto want = static_cast<unsigned>(std::min<std::size_t>(sizeof buffer, n - got_total));
      const int got = gzread(file_, buffer, want);
      if (got < 0) {
        int code = 0;
        const std::string why = gzerror(file_, &code);
        throw core::InputError(fmt::format("{}: corrupt gzip data ({}); expected a gzipped or plain data file", path_, why));
      }
      if (got == 0) break;
      out.insert(out.end(), buffer, buffer + got);
      got_total += static_cast<std::size_t>(got);
    }
    return got_total;
  }

  /// The rest of the file, refused once it passes `limit` bytes in all.
  std::vector<std::uint8_t> read_all(std::size_t limit) {
    std::vector<std::uint8_t> out;
    if (const auto size = plain_size(); size && *size > limit)
      throw core::InputError(fmt::format("{}: {} bytes; the limit is {}", path_, *size, limit_text(limit)));
    while (read(out, 1 << 20) > 0)
      if (out.size() > limit)
        throw core::InputError(fmt::format("{}: more than {} bytes decompressed; the limit is {}", path_, limit,
                                           limit_text(limit)));
    return out;
  }

 private:
  std::string path_;
  gzFile file_ = nullptr;
};

std::uint32_t big_endian(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

// Reads the `payload` bytes an IDX header promised, after checking the promise against the
// limit and (for plain files) the file's size; a short or padded file is refused.
std::vector<std::uint8_t> read_payload(DataFile& file, const std::string& path, std::uint64_t header,
                                       std::uint64_t payload, const std::string& expected) {
  const std::size_t limit = byte_limit();
  if (payload > limit)
    throw core::InputError(fmt::format("{}: the header claims {} = {} bytes of data; the limit is {}", path, expected,
                                       payload, limit_text(limit)));
  const auto fail = [&](const std::string& size) {
    return core::InputError(fmt::format("{}: {} bytes; expected {} + {} = {} (truncated or padded?)", path, size,
                                        header, expected, header + payload));
  };
  const auto size = file.plain_size();
  if (size && *size != header + payload) throw fail(std::to_string(*size));
  std::vector<std::uint8_t> out;
  // A gzipped file's size is known only once it is read: grow with what is really there.
  out.reserve(static_cast<std::size_t>(size ? payload : std::min<std::uint64_t>(payload, std::uint64_t{256} << 20)));
  if (file.read(out, static_cast<std::size_t>(payload)) < payload) throw fail(std::to_string(header + out.size()));
  std::vector<std::uint8_t> extra;
  if (file.read(extra, 1) > 0) throw fail("more than " + std::to_string(header + payload));
  return out;
}

}  // namespace

std::vector<std::uint8_t> read_data_file(const std::string& path) {
  DataFile file(path);
  return file.read_all(byte_limit());
}

ImageSet read_idx(const std::string& images_path, const std::string& labels_path, int classes) {
  DataFile image_file(images_path), label_file(labels_path);
  std::vector<std::uint8_t> images, labels;
  image_file.read(images, 16);
  label_file.read(labels, 8);
  if (images.size() < 16 || big_endian(images, 0) != 0x00000803)
    throw core::InputError(fmt::format("{}: not an IDX image file; expected magic 0x00000803 (unsigned bytes, 3 "
                                       "dimensions) and a 16-byte header", images_path));
  if (labels.size() < 8 || big_endian(labels, 0) != 0x00000801)
    throw core::InputError(fmt::format("{}: not an IDX label file; expected magic 0x00000801 (unsigned bytes, 1 "
                                       "dimension) and an 8-byte header", labels_path));
  const std::uint64_t n = big_endian(images, 4), h = big_endian(images, 8), w = big_endian(images, 12);
  if (h == 0 || w == 0 || h > 4096 || w > 4096)
    throw core::InputError(fmt::format("{}: images of {} × {} pixels; expected 1 to 4096 per side", images_path, h, w));
  if (n > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
    throw core::InputError(fmt::format("{}: the header claims {} images; expected at most {}", images_path, n,
                                       std::numeric_limits<int>::max()));
  const std::uint64_t n_labels = big_endian(labels, 4);
  if (n_labels != n)
    throw core::InputError(fmt::format("{}: {} labels for the {} images of {}; expected equal counts", labels_path,
                                       n_labels, n, images_path));
  auto pixels = read_payload(image_file, images_path, 16, n * h * w, fmt::format("{} × {} × {}", n, h, w));
  const auto label_bytes = read_payload(label_file, labels_path, 8, n, std::to_string(n));
  ImageSet set;
  set.n = static_cast<int>(n);
  set.channels = 1;
  set.height = static_cast<int>(h);
  set.width = static_cast<int>(w);
  set.classes = classes;
  set.pixels = std::move(pixels);
  set.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int label = label_bytes[i];
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
    const auto bytes = DataFile(path).read_all(byte_limit());
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
