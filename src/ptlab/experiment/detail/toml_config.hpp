#pragma once
// Internal: the TOML layer of config parsing, shared by experiment configs and sweep configs.
// Not part of the public API (it exposes toml++).
#include <string>
#include <toml++/toml.h>

#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/spec.hpp"
#include "ptlab/experiment/toml_text.hpp"

namespace ptlab::experiment::detail {

/// Reads a whole file; throws core::InputError for a directory or an unreadable file.
std::string read_text(const std::string& path);

/// Applies every key of `table` to a default spec, validating each; a [sweep] table is skipped
/// when `skip_sweep`, else rejected with a pointer to `ptlab sweep`.
ExperimentSpec spec_from_table(const toml::table& table, const std::string& source_name, bool skip_sweep);

/// The deep spec of a parsed table (parse_deep_config's steps). The table is taken by value so
/// that a moved-in table keeps the source lines for messages (toml++ drops them on copies).
DeepSpec deep_spec_from_table(toml::table table, const std::string& source_name,
                              const std::vector<std::string>& overrides);

}  // namespace ptlab::experiment::detail
