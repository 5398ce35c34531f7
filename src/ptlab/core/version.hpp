#pragma once
#include <string>

namespace ptlab::core {

/// What a run records so that it can be reproduced: the build it came from.
struct BuildInfo {
  std::string version;   ///< ptlab's semantic version (CMake project version)
  std::string git_sha;   ///< commit of the source tree at build time; "-dirty" if it had changes
  std::string compiler;  ///< compiler id and version
  std::string flags;     ///< optimisation flags (e.g. -O3 -march=native)
};

/// The build stamp, generated at build time by cmake/version_stamp.cmake.
BuildInfo build_info();

}  // namespace ptlab::core
