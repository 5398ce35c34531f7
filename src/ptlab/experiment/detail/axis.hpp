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

}  // namespace ptlab::experiment::detail
