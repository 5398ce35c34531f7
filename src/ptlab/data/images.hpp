#pragma once
// Real image data sets for the deep half (docs/design.md §3): readers for IDX (MNIST, Fashion-MNIST;
// plain or gzipped) and the CIFAR-10/100 binary format. Nothing is downloaded: Fashion-MNIST comes
// from Debian's dataset-fashion-mnist (installed by scripts/install-deps.sh), CIFAR from the user.
//
// Layout (stated once): an ImageSet of n images with c channels of h × w pixels keeps the pixels
// as uint8 in [0, 255], image-major and channel-major inside an image (NCHW, the order of both
// file formats and of LibTorch), i.e. pixel (i, ch, y, x) is pixels[((i·c + ch)·h + y)·w + x].
#include <cstdint>
#include <string>
#include <vector>

namespace ptlab::data {

struct ImageSet {
  int n = 0, channels = 0, height = 0, width = 0;
  std::vector<std::uint8_t> pixels;  ///< n·c·h·w values, NCHW
  std::vector<int> labels;           ///< n labels in [0, classes)
  int classes = 0;                   ///< number of classes of the source data set
  std::size_t image_size() const { return static_cast<std::size_t>(channels) * height * width; }
};

/// The whole of a data file, decompressed when it is gzipped (detected from the content). Throws
/// core::InputError naming the file for a missing or unreadable file, corrupt gzip data, or more
/// bytes than 4 GiB or half the memory available now.
std::vector<std::uint8_t> read_data_file(const std::string& path);

/// Reads an IDX image file (magic 0x00000803: n × h × w unsigned bytes) and its IDX label file
/// (magic 0x00000801). Either may be gzipped (detected from the content, not the name). `classes`
/// is the number of classes (10 for MNIST and Fashion-MNIST). Throws core::InputError naming the
/// file and what was expected for a missing, truncated or malformed file, a label ≥ classes, or
/// image and label counts that differ.
ImageSet read_idx(const std::string& images_path, const std::string& labels_path, int classes = 10);

/// Reads CIFAR binary batches (each record: label byte(s), then 3 × 32 × 32 pixels, channel-major).
/// CIFAR-10: one label byte per record (classes 10). CIFAR-100: a coarse and a fine label byte;
/// `fine` picks which (classes 100 or 20). Several files are concatenated in order. Throws
/// core::InputError naming the file for a size that is not a whole number of records or a label
/// out of range.
ImageSet read_cifar10(const std::vector<std::string>& paths);
ImageSet read_cifar100(const std::vector<std::string>& paths, bool fine = true);

/// Where Debian's dataset-fashion-mnist puts the files (`dpkg -L dataset-fashion-mnist`).
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// Fashion-MNIST's training (60000) or test (10000) split from `dir`. Throws core::InputError
/// naming the missing file and the package that provides it.
ImageSet load_fashion_mnist(bool train, const std::string& dir = kFashionMnistDir);

}  // namespace ptlab::data
