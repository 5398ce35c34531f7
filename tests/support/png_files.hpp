#pragma once
// Test helpers for image folders: PNG files written by stb_image_write (Debian's libstb-dev). The
// shared library libstb holds stb's implementations, so tests link PkgConfig::STB and define no
// STB_IMAGE_WRITE_IMPLEMENTATION.
#include <stb_image_write.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace ptlab::testing {

/// Writes a PNG of width × height pixels with `channels` (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA)
/// from interleaved pixels (row-major, channels last: hwc.size() == height·width·channels),
/// creating its folder. Throws std::runtime_error when stb cannot write it (a test bug).
inline void write_png(const std::filesystem::path& path, int width, int height, int channels,
                      const std::vector<std::uint8_t>& hwc) {
  if (hwc.size() != static_cast<std::size_t>(width) * height * channels)
    throw std::runtime_error("write_png: pixel count does not match the size");
  std::filesystem::create_directories(path.parent_path());
  if (stbi_write_png(path.c_str(), width, height, channels, hwc.data(), width * channels) == 0)
    throw std::runtime_error("write_png: cannot write " + path.string());
}

/// A grey width × height image whose pixel (x, y) is base + x + width·y (mod 256).
inline std::vector<std::uint8_t> grey_ramp(int width, int height, int base) {
  std::vector<std::uint8_t> p;
  for (int i = 0; i < width * height; ++i) p.push_back(static_cast<std::uint8_t>((base + i) % 256));
  return p;
}

}  // namespace ptlab::testing
