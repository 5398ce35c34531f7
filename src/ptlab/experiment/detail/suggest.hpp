#pragma once
// Internal: did-you-mean for config keys, shared by the theory schema (experiment/config.cpp) and
// the deep schema (experiment/deep_config.cpp).
#include <optional>
#include <string>
#include <vector>

namespace ptlab::experiment::detail {

/// The key of `keys` ("section.name") closest to `path` by edit distance, on the whole path or on
/// the part after the last dot (ties go to the closer whole path), if that distance is at most
/// max(2, |last part of path| / 3); nullopt when none is that close.
std::optional<std::string> closest_key(const std::string& path, const std::vector<std::string>& keys);

}  // namespace ptlab::experiment::detail
