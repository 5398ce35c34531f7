#pragma once
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "ptlab/experiment/jobs.hpp"

namespace ptlab::cli {

/// Where a command writes: results to `out`, progress and errors to `err`.
struct Io {
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;  ///< draw a progress line on `err`
  std::string command_line;      ///< recorded with the results
};

/// Runs `ptlab ARGS...`; returns the exit code: 0 success, 1 internal error, 2 bad input
/// (core::InputError), 3 I/O error (core::IoError: a full disk, a failed write).
int run(const std::vector<std::string>& args, Io& io);

/// A CLI11 validator for an integer flag in [lo, hi]: "expected an integer in [lo, hi], got 'x'".
CLI::Validator integer_in(int lo, int hi);

// Subcommand registration: each adds its options to `app` and returns the action to run after
// parsing (docs/style.md §3: one file per subcommand, no logic beyond parse and dispatch).
using Action = std::function<int()>;
Action add_run_command(CLI::App& app, Io& io);
Action add_config_command(CLI::App& app, Io& io);
Action add_sweep_command(CLI::App& app, Io& io);
Action add_export_command(CLI::App& app, Io& io);
Action add_merge_command(CLI::App& app, Io& io);
Action add_plot_command(CLI::App& app, Io& io);
Action add_report_command(CLI::App& app, Io& io);
Action add_theory_command(CLI::App& app, Io& io);
Action add_verify_command(CLI::App& app, Io& io);
Action add_deep_command(CLI::App& app, Io& io);
Action add_advise_command(CLI::App& app, Io& io);
Action add_advise_bench_command(CLI::App& app, Io& io);
Action add_score_command(CLI::App& app, Io& io);

/// What `ptlab deep` runs, shared with `ptlab sweep` (which hands deep configs to it).
struct DeepArgs {
  std::string path;
  std::vector<std::string> sets;
  int seeds = 0;
  std::string store;        ///< study file ("" = none)
  std::string checkpoints;  ///< upstream checkpoint directory ("" = none)
  int threads = 0;          ///< LibTorch threads (0 = run.threads)
  experiment::Shard shard;  ///< this process's shard of the jobs
  bool show_transfer = false;
  bool baselines = false;   ///< --baselines: the settings against the fine-tuning baselines
  std::optional<std::string> out;  ///< --out DIR (store/run_dir.hpp); nullopt = not given
  bool force = false;              ///< --force: replace a previous ptlab output directory
  std::string format = "table";    ///< stdout: table, json (store/deep_json.hpp) or csv
};
int run_deep_command(Io& io, const DeepArgs& args);
int run_deep_baselines_command(Io& io, const DeepArgs& args);

}  // namespace ptlab::cli
