#pragma once
// Internal: the [[sweep.axis]] tables shared by theory sweeps (experiment/sweep.hpp) and deep
// sweeps (experiment/deep_sweep.hpp). Not part of the public API (it exposes toml++).
#include <functional>
#include <string>
#include <toml++/toml.h>

#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/sweep.hpp"

namespace ptlab::experiment::detail {

/// A TOML value as the literal `--set` takes: strings quoted, floats shortest round-trip.
std::string literal(const toml::node& node);

/// One [[sweep.axis]] table: key plus exactly one of values, linspace = [a, b, k] or
/// logspace = [a, b, k] (10^a … 10^b). `key_type` gives the key's type (integer values are
/// rounded, duplicates removed) and throws for an unknown key. Throws core::InputError naming
/// `where` for a malformed axis.
Axis parse_axis(const toml::table& t, const std::string& where, const std::function<KeyType(const std::string&)>& key_type);

/// What a [sweep] table holds: sweep.seeds (when given) and the axes.
struct SweepTable {
  int seeds = 0;  ///< 0: not given
  std::vector<Axis> axes;
};

/// Most points one sweep's grid may have (the grid is held in memory before any run; the 100 × 100
/// heatmaps of the literature presets are 10,000).
inline constexpr std::size_t kMaxGridPoints = 200'000;

/// Reads a [sweep] table (theory and deep sweeps alike): sweep.seeds in [1, max_seeds] and at
/// least one [[sweep.axis]], no key twice, no axis key among `overrides`. `problem(key, value)`
/// validates every value before any run: "" when it is fine, else "KEY = VALUE: expected …".
/// Throws core::InputError naming `source` and the line, and for a grid of more than kMaxGridPoints.
SweepTable parse_sweep_table(const toml::table& sweep, const std::string& source, int max_seeds,
                             const std::function<KeyType(const std::string&)>& key_type,
                             const std::function<std::string(const std::string&, const std::string&)>& problem,
                             const std::vector<std::string>& overrides);

}  // namespace ptlab::experiment::detail
