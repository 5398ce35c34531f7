#pragma once
// Shared by the fuzz harnesses of tests/fuzz/ (docs/reliability.md). Each harness defines
// LLVMFuzzerTestOneInput; ptlab's documented errors (core::InputError, core::IoError) are the clean
// outcome of bad input, anything else (another exception, a crash, a sanitizer report, a hang)
// is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "ptlab/core/error.hpp"

namespace ptlab::fuzz {

/// Runs `f`, taking ptlab's documented errors as the clean outcome of bad input.
template <class F>
void expect_clean(const F& f) {
  try {
    f();
  } catch (const core::InputError&) {
  } catch (const core::IoError&) {
  }
}

/// The input as text.
inline std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// Splits `text` at every `sep`.
inline std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts{""};
  for (const char c : text) {
    if (c == sep) parts.emplace_back();
    else parts.back() += c;
  }
  return parts;
}

/// Writes `bytes` to a file NAME in this process's scratch folder (removed at exit); returns its path.
inline std::string scratch_file(const std::string& name, std::string_view bytes) {
  struct Dir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("ptlab-fuzz-" + std::to_string(::getpid()));
    Dir() { std::filesystem::create_directories(path); }
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Dir dir;  // one per harness process
  const std::filesystem::path p = dir.path / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p.string();
}

}  // namespace ptlab::fuzz
