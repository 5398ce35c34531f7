#pragma once
// The type and range of a config key, shared by the theory and deep schemas so that command-line
// options which set a key (`--seeds` is run.seeds) check the schema's range, not a copy of it.
#include <cstdint>

namespace ptlab::experiment {

/// The type of a config key's value (both schemas).
enum class KeyType { integer, number, boolean, choice };

/// A closed range [lo, hi] of integer values; an unbounded side is clamped to the int64 range.
struct IntegerBounds {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
};

/// The most threads any option or key asks for (worker threads over runs, LibTorch threads).
inline constexpr int kMaxThreads = 1024;

}  // namespace ptlab::experiment
