#pragma once
// Options several subcommands share, declared once. Ranges come from the config schemas
// (experiment/config.hpp, experiment/deep_config.hpp), never from a copy here.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "ptlab/experiment/spec.hpp"

namespace ptlab::cli {

/// Which schema a command's config follows: decides the range of --seeds.
enum class Half { theory, deep };

/// --set KEY=VALUE (repeatable); `example` is an override of this command's config.
void add_set_option(CLI::App& cmd, std::vector<std::string>& sets, const std::string& example);

/// --seeds N: sets run.seeds; its range is run.seeds's in the schema of `half`. 0 = not given.
void add_seeds_option(CLI::App& cmd, int& seeds, Half half, const std::string& help);

/// --threads N in [1, experiment::kMaxThreads]. 0 = not given.
void add_threads_option(CLI::App& cmd, int& threads, const std::string& help);

/// --format table|json|csv (default table): what goes to stdout; `help` says what json and csv hold.
void add_format_option(CLI::App& cmd, std::string& format, const std::string& help);

/// --out DIR and --force, as `ptlab run` and `ptlab deep` share them (store/run_dir.hpp); returns
/// the --out option, whose count() tells an absent --out from an empty one.
CLI::Option* add_out_options(CLI::App& cmd, std::string& out, bool& force, const std::string& help);

/// "results written to DIR/\n": the line a table ends with after --out.
std::string results_written(const std::string& out);

/// The --set overrides, then run.seeds=N when --seeds N was given (so the last word is --seeds).
std::vector<std::string> overrides_with_seeds(const std::vector<std::string>& sets, int seeds);

/// experiment::load_config for commands that take theory configs only (advise, score): a deep
/// config is refused with one line naming `command`, instead of the pointer to `ptlab deep`.
experiment::ExperimentSpec load_theory_config(const std::string& path, const std::vector<std::string>& sets,
                                              const std::string& command);

}  // namespace ptlab::cli
