#pragma once
// Config files (TOML) ⇄ ExperimentSpec. One schema lists every key with its type, range, default
// and comment; it drives parsing, --set overrides, validation, `ptlab config --default` and the
// canonical text that a run records and hashes (STYLE.md §13).
#include <cstdint>
#include <string>
#include <vector>

#include "ptlab/experiment/key_bounds.hpp"
#include "ptlab/experiment/spec.hpp"

namespace ptlab::experiment {

/// Reads a config file, applies `overrides` ("key=value", the value in TOML syntax or a bare word
/// for string keys) in order, and validates every key. Keys the file omits keep their defaults.
/// Throws core::InputError (one line naming the file or override, the key and what was expected)
/// for an unreadable or malformed file, an unknown key (with a did-you-mean), a wrong type or an
/// out-of-range value; for a deep config (experiment/deep_config.hpp) the one line is
/// "PATH: this is a deep config: use `ptlab deep`".
ExperimentSpec load_config(const std::string& path, const std::vector<std::string>& overrides = {});

/// Parses TOML text as if read from `source_name` (used in messages).
ExperimentSpec parse_config(const std::string& text, const std::string& source_name,
                            const std::vector<std::string>& overrides = {});

/// Applies one "key=value" override to a spec and validates that key.
void apply_override(ExperimentSpec& spec, const std::string& assignment);

/// The canonical TOML text of a spec: every key, fixed order, shortest round-trip numbers. Keys
/// added to the schema later (downstream.l2sp, transfer.shrink, transfer.perturb) are left out
/// while they hold the value that reproduces the behaviour from before them, so that the hash of
/// every earlier config, and the run ids of its studies, are unchanged.
/// With `comments`, each key carries its comment (what `ptlab config --default` prints).
/// parse_config(canonical_toml(s)) == s for every valid s.
std::string canonical_toml(const ExperimentSpec& spec, bool comments = false);

/// 64-bit FNV-1a hash of canonical_toml(spec), as 16 hex digits: the id of a resolved config.
std::string config_hash(const ExperimentSpec& spec);

/// The range of an integer key of the theory schema (e.g. "run.seeds"). A path that is not an
/// integer key is a programming error (PTLAB_ASSERT).
IntegerBounds integer_key_bounds(const std::string& path);

/// The type of a config key; throws core::InputError (with a did-you-mean) for an unknown key.
KeyType key_type(const std::string& path);

/// The id of one run's configuration: config_hash with run.seed and run.seeds zeroed, so that the
/// runs of a config keep their id when more seeds are added. A run is keyed by (run_hash, seed).
std::string run_hash(const ExperimentSpec& spec);

/// Every key path of the schema ("section.key"), in canonical order.
std::vector<std::string> config_keys();

}  // namespace ptlab::experiment
