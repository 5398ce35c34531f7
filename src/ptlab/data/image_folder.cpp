#include "ptlab/data/image_folder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stb_image.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>

#include "ptlab/core/error.hpp"

namespace ptlab::data {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_image(const fs::path& p) {
  const auto& exts = image_extensions();
  return std::find(exts.begin(), exts.end(), lower(p.extension().string())) != exts.end();
}

// Entries of a directory sorted by name (directory_iterator's order is the file system's).
std::vector<fs::path> sorted_entries(const fs::path& dir, bool directories) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw core::InputError(fmt::format("{}: {}; expected a folder with one sub-folder per class", dir.string(),
                                       fs::exists(dir, ec) ? "not a folder" : "no such folder"));
  std::vector<fs::path> out;
  fs::directory_iterator it(dir, ec);
  if (ec) throw core::InputError(fmt::format("{}: cannot read ({})", dir.string(), ec.message()));
  for (const auto& e : it) {
    std::error_code ec2;
    const bool is_dir = e.is_directory(ec2);
    if (directories ? is_dir : (!is_dir && is_image(e.path()))) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Decoded {
  int width = 0, height = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels{nullptr, stbi_image_free};  // interleaved (HWC)
};

// stb_image decodes from memory: the file is read with the OS's errors first.
Decoded decode(const fs::path& file, int channels) {
  Decoded d;
  int stored = 0;
  d.pixels.reset(stbi_load(file.c_str(), &d.width, &d.height, &stored, channels));
  if (!d.pixels)
    throw core::InputError(fmt::format("{}: does not decode as an image ({}); expected a PNG, JPEG, BMP, GIF, TGA or "
                                       "PNM file", file.string(), stbi_failure_reason() ? stbi_failure_reason() : "?"));
  d.channels = channels;
  return d;
}

// The channel count of the first image's file: grey (+alpha) → 1, colour (+alpha) → 3.
int stored_channels(const fs::path& file) {
  int w = 0, h = 0, c = 0;
  if (stbi_info(file.c_str(), &w, &h, &c) != 1)
    throw core::InputError(fmt::format("{}: does not decode as an image ({}); expected a PNG, JPEG, BMP, GIF, TGA or "
                                       "PNM file", file.string(), stbi_failure_reason() ? stbi_failure_reason() : "?"));
  return c <= 2 ? 1 : 3;
}

}  // namespace

const std::vector<std::string>& image_extensions() {
  static const std::vector<std::string> exts = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".pgm", ".ppm", ".pnm"};
  return exts;
}

ImageSet read_image_folder(const std::string& dir, const ImageShape& shape, std::vector<std::string>* class_names) {
  const auto classes = sorted_entries(dir, true);
  if (classes.empty())
    throw core::InputError(fmt::format("{}: no class folders; expected one sub-folder per class holding its images", dir));
  std::vector<std::vector<fs::path>> files;
  for (const auto& c : classes) {
    files.push_back(sorted_entries(c, false));
    if (files.back().empty())
      throw core::InputError(fmt::format("{}: no images; expected at least one {} file per class folder", c.string(),
                                         fmt::join(image_extensions(), "/")));
  }
  ImageSet out;
  out.classes = static_cast<int>(classes.size());
  out.channels = shape.channels > 0 ? shape.channels : stored_channels(files.front().front());
  const fs::path* first = nullptr;
  for (std::size_t c = 0; c < files.size(); ++c)
    for (const auto& f : files[c]) {
      // Decoded at its own channel count (alpha dropped), then converted by convert_channels:
      // stb's own RGB → grey is an integer approximation (77 R + 150 G + 29 B) / 256, not the
      // BT.601 luma every other data set gets (image_ops.hpp).
      const Decoded d = decode(f, stored_channels(f));
      // Without data.channels, one channel count: a grey image among colour ones is more likely a
      // stray file than an intended conversion, and the count would depend on which sorts first.
      if (shape.channels == 0 && d.channels != out.channels)
        throw core::InputError(fmt::format("{}: {} image among {} ones (as {}); expected one channel count, or set "
                                           "data.channels to 1 or 3 to convert", f.string(),
                                           d.channels == 1 ? "a grey" : "a colour", out.channels == 1 ? "grey" : "colour",
                                           files.front().front().string()));
      if (first == nullptr) {
        first = &f;
        if (shape.size == 0 && d.width != d.height)
          throw core::InputError(fmt::format("{}: {} × {} pixels (width × height); expected square images, or set "
                                             "data.size to resize", f.string(), d.width, d.height));
        out.height = shape.size > 0 ? shape.size : d.height;
        out.width = out.height;
      } else if (shape.size == 0 && (d.width != out.width || d.height != out.height)) {
        throw core::InputError(fmt::format("{}: {} × {} pixels; expected {} × {} as {} (one size for every image), or "
                                           "set data.size to resize", f.string(), d.width, d.height, out.width,
                                           out.height, first->string()));
      }
      // Interleaved HWC → planar CHW, then to the set's channels and size.
      ImageSet one{1, d.channels, d.height, d.width, {}, {0}, 1};
      one.pixels.resize(one.image_size());
      const std::size_t plane = static_cast<std::size_t>(d.height) * d.width;
      for (std::size_t k = 0; k < plane; ++k)
        for (int ch = 0; ch < d.channels; ++ch)
          one.pixels[static_cast<std::size_t>(ch) * plane + k] = d.pixels.get()[k * d.channels + ch];
      one = convert_channels(one, out.channels);
      if (shape.size > 0) one = resize_images(one, shape.size);
      out.pixels.insert(out.pixels.end(), one.pixels.begin(), one.pixels.end());
      out.labels.push_back(static_cast<int>(c));
      ++out.n;
    }
  if (class_names != nullptr) {
    class_names->clear();
    for (const auto& c : classes) class_names->push_back(c.filename().string());
  }
  return out;
}

TrainTest load_image_folder(const std::string& dir, const ImageShape& shape) {
  std::vector<std::string> train_names, test_names;
  TrainTest t;
  t.train = read_image_folder(dir + "/train", shape, &train_names);
  // The test split in the train split's shape: same channels, and the same size when resizing.
  t.test = read_image_folder(dir + "/test", shape, &test_names);
  if (t.test.channels != t.train.channels)
    throw core::InputError(fmt::format("{}: train/ images have {} channel{}, test/ images {}; expected one channel count, "
                                       "or set data.channels to 1 or 3 to convert", dir, t.train.channels,
                                       t.train.channels == 1 ? "" : "s", t.test.channels));
  if (train_names != test_names)
    throw core::InputError(fmt::format("{}: train/ has class folders {}, test/ has {}; expected the same class folders "
                                       "in both", dir, fmt::join(train_names, ", "), fmt::join(test_names, ", ")));
  // Each split has one size (read_image_folder checks that), but the two may differ when nothing
  // resizes them: one model takes both.
  if (t.train.height != t.test.height || t.train.width != t.test.width)
    throw core::InputError(fmt::format("{}: train/ images are {} × {} pixels, test/ images {} × {}; expected one size "
                                       "for both splits, or set data.size to resize", dir, t.train.width,
                                       t.train.height, t.test.width, t.test.height));
  return t;
}

}  // namespace ptlab::data
