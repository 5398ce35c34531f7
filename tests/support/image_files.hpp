#pragma once
// Test helpers for the deep half: a tiny four-class image set and IDX files of it.
#include <cstdint>
#include <fstream>
#include <string>

#include "ptlab/core/rng.hpp"
#include "ptlab/data/images.hpp"

namespace ptlab::testing {

/// Writes an image set as an IDX image file and an IDX label file.
inline void write_idx(const std::string& images, const std::string& labels, const ptlab::data::ImageSet& s) {
  const auto put32 = [](std::ofstream& f, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) f.put(static_cast<char>((v >> shift) & 0xff));
  };
  std::ofstream fi(images, std::ios::binary), fl(labels, std::ios::binary);
  put32(fi, 0x803);
  put32(fi, static_cast<std::uint32_t>(s.n));
  put32(fi, static_cast<std::uint32_t>(s.height));
  put32(fi, static_cast<std::uint32_t>(s.width));
  fi.write(reinterpret_cast<const char*>(s.pixels.data()), static_cast<std::streamsize>(s.pixels.size()));
  put32(fl, 0x801);
  put32(fl, static_cast<std::uint32_t>(s.n));
  for (const int l : s.labels) fl.put(static_cast<char>(l));
}

/// Four classes: the bright square in one of four corners.
inline ptlab::data::ImageSet corners(int n, std::uint64_t seed) {
  ptlab::core::Rng rng(seed);
  ptlab::data::ImageSet s;
  s.n = n;
  s.channels = 1;
  s.height = s.width = 12;
  s.classes = 10;
  for (int i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng.below(4));
    s.labels.push_back(label);
    for (int y = 0; y < 12; ++y)
      for (int x = 0; x < 12; ++x) {
        const bool square = (label / 2 == 0 ? y < 4 : y >= 8) && (label % 2 == 0 ? x < 4 : x >= 8);
        s.pixels.push_back(static_cast<std::uint8_t>(square ? 230 : rng.below(60)));
      }
  }
  return s;
}

}  // namespace ptlab::testing
