#include "ptlab/data/digits.hpp"

#include <fmt/format.h>
#include <stb_image.h>

#include <charconv>
#include <filesystem>
#include <memory>
#include <string_view>

#include "ptlab/core/error.hpp"

namespace ptlab::data {
namespace {

std::string where(const std::string& dir, const char* fallback, const char* file) {
  return (dir.empty() ? std::string(fallback) : dir) + "/" + file;
}

void require(const std::string& path, const char* package) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw core::InputError(fmt::format("{}: no such file; expected Debian's {} (scripts/install-deps.sh installs it) "
                                       "or data.dir naming a folder that holds it", path, package));
}

// An empty set of the digits' shape, to fill.
ImageSet empty_set(int size) {
  ImageSet s;
  s.channels = 1;
  s.height = s.width = size;
  s.classes = 10;
  return s;
}

void append(ImageSet& s, const std::uint8_t* pixels, int label) {
  s.pixels.insert(s.pixels.end(), pixels, pixels + s.image_size());
  s.labels.push_back(label);
  ++s.n;
}

}  // namespace

TrainTest load_opencv_digits(const std::string& dir) {
  const std::string path = where(dir, kOpenCvDigitsDir, "digits.png");
  require(path, "opencv-doc");
  int w = 0, h = 0, c = 0;
  const std::unique_ptr<stbi_uc, void (*)(void*)> sheet(stbi_load(path.c_str(), &w, &h, &c, 1), stbi_image_free);
  if (!sheet)
    throw core::InputError(fmt::format("{}: does not decode ({}); expected OpenCV's PNG digit sheet", path,
                                       stbi_failure_reason() ? stbi_failure_reason() : "?"));
  constexpr int kCell = 20, kCols = 100, kRows = 50;
  if (w != kCols * kCell || h != kRows * kCell)
    throw core::InputError(fmt::format("{}: {} × {} pixels; expected OpenCV's 2000 × 1000 sheet of 20 × 20 digits", path,
                                       w, h));
  TrainTest t{empty_set(kCell), empty_set(kCell)};
  std::uint8_t cell[kCell * kCell];
  for (int row = 0; row < kRows; ++row)
    for (int col = 0; col < kCols; ++col) {
      for (int y = 0; y < kCell; ++y)
        for (int x = 0; x < kCell; ++x)
          cell[y * kCell + x] = sheet.get()[static_cast<std::size_t>(row * kCell + y) * w + col * kCell + x];
      const int label = row / 5;
      const int index = (row % 5) * kCols + col;  // in the class's reading order, 0 … 499
      append(index < 400 ? t.train : t.test, cell, label);
    }
  return t;
}

TrainTest load_sklearn_digits(const std::string& dir) {
  const std::string path = where(dir, kSklearnDigitsDir, "digits.csv.gz");
  require(path, "python3-sklearn");
  const std::vector<std::uint8_t> bytes = read_data_file(path);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  TrainTest t{empty_set(8), empty_set(8)};
  int seen[10] = {};
  std::size_t at = 0;
  for (int line = 1; at < text.size(); ++line) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::string_view l = text.substr(at, end - at);
    at = end + 1;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) continue;
    int values[65];
    int count = 0;
    const char* p = l.data();
    const char* const stop = l.data() + l.size();
    while (p < stop && count < 65) {
      // The file writes integers as "0" or "0.0" depending on the release: read a number.
      double v = 0;
      const auto [next, ec] = std::from_chars(p, stop, v);
      const int max = count < 64 ? 16 : 9;
      if (ec != std::errc() || v < 0 || v > max || v != static_cast<int>(v))
        throw core::InputError(fmt::format("{}:{}: value {} is not an integer in [0, {}]; expected 64 grey levels in "
                                           "[0, 16] then a label in [0, 9]", path, line, count + 1, max));
      values[count++] = static_cast<int>(v);
      p = next;
      if (p < stop && *p == ',') ++p;
    }
    if (count != 65 || p != stop)
      throw core::InputError(fmt::format("{}:{}: {} values; expected 65 (64 grey levels, then the label)", path, line,
                                         p != stop ? "more than 65" : std::to_string(count)));
    std::uint8_t pixels[64];
    for (int k = 0; k < 64; ++k) pixels[k] = static_cast<std::uint8_t>((values[k] * 255 + 8) / 16);
    const int label = values[64];
    append(seen[label]++ % 4 == 3 ? t.test : t.train, pixels, label);
  }
  if (t.train.n == 0 || t.test.n == 0)
    throw core::InputError(fmt::format("{}: {} digits; expected scikit-learn's 1797", path, t.train.n + t.test.n));
  return t;
}

}  // namespace ptlab::data
