// `ptlab sweep CONFIG`: a grid of experiments into a study store (SQLite), resumable.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "ptlab/report/sweep_table.hpp"
#include "ptlab/store/merge.hpp"
#include "ptlab/store/record_format.hpp"
#include "ptlab/store/study_sink.hpp"
#include "ptlab/store/summaries.hpp"

namespace ptlab::cli {

Action add_sweep_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run a grid of experiments ([sweep] axes over any config key) into a SQLite study; "
               "rerunning resumes, skipping finished runs");
  struct Args {
    std::string path;
    std::vector<std::string> sets;
    std::string store;
    std::string shard;
    std::string checkpoints;
    int threads = 0;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("config", args->path, "Sweep config (TOML with a [sweep] table), e.g. configs/sweeps/alpha.toml")
      ->required();
  add_set_option(*cmd, args->sets, "downstream.n=30");
  cmd->add_option("--store", args->store, "Study file (default: the config's name with .db, in the current directory)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  add_threads_option(*cmd, args->threads,
                     "Worker threads over runs (default: all cores); deep configs: LibTorch threads per process "
                     "(default: run.threads)");
  cmd->add_option("--shard", args->shard,
                  "Run only shard I of N (I/N, 0-based; e.g. --shard $SLURM_ARRAY_TASK_ID/8) into its own store; "
                  "combine the shards with ptlab merge")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("--checkpoints", args->checkpoints, "Deep configs: directory for upstream checkpoints (see ptlab deep)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  return [&io, args]() {
    const experiment::Shard shard = args->shard.empty() ? experiment::Shard{} : experiment::parse_shard(args->shard);
    const bool mpi = experiment::launched_under_mpi();
    // Each shard writes its own store: NAME.shard-I-of-N.db beside --store (or the config's name).
    const std::string store =
        store::shard_path(!args->store.empty() ? args->store : store::default_study_path(args->path), shard);
    if (experiment::is_deep_config(args->path))  // a deep sweep: `ptlab deep` runs it
      return run_deep_command(io, {.path = args->path, .sets = args->sets, .store = store,
                                   .checkpoints = args->checkpoints, .threads = args->threads, .shard = shard});
    if (!args->checkpoints.empty())
      throw core::InputError(fmt::format("--checkpoints {}: applies to deep configs; {} is a theory sweep (its runs "
                                         "take seconds and are not checkpointed)", args->checkpoints, args->path));
    const experiment::SweepSpec sweep = experiment::load_sweep(args->path, args->sets);
    Progress progress(io.err, io.err_is_terminal, "sweep");
    const auto provenance = store::current_provenance(io.command_line);
    std::optional<store::StudySink> study;
    const auto open = [&]() -> experiment::Sink& {
      return study.emplace(store::StudySink::open_for(experiment::study_key(sweep), store, provenance));
    };
    const auto start = std::chrono::steady_clock::now();
    const experiment::ExecResult result = experiment::run_sweep(
        sweep, open,
        {.launch = mpi ? experiment::Launch::mpi : experiment::Launch::threads, .threads = args->threads,
         .shard = shard, .codec = store::run_codec(),
         .progress = [&progress](int done, int total) { progress.update(done, total); }});
    if (!result.owner) return 0;  // MPI worker ranks print nothing
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto points = store::grid_summaries(study->study(), sweep);
    io.out << fmt::format("ptlab sweep {}: {} points x {} seeds = {} runs; ran {} ({} failed), skipped {} already "
                          "in {}{} ({:.1f} s)\n",
                          args->path, points.size(), sweep.seeds, result.counts.total, result.ran, result.failed,
                          result.counts.skipped, store,
                          shard.count > 1 ? fmt::format(", left {} to other shards", result.counts.other_shards) : "",
                          wall);
    io.out << report::sweep_table(experiment::study_key(sweep).axes, points);
    return result.failed > 0 ? 1 : 0;
  };
}

Action add_merge_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand("merge", "Combine study stores (e.g. the shards of a sweep) into one");
  struct Args {
    std::string output;
    std::vector<std::string> inputs;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("output", args->output, "Study to write (created if missing)")->required();
  cmd->add_option("inputs", args->inputs, "Studies to read")->required();
  return [&io, args]() {
    const auto [copied, kept] = store::merge_studies(args->output, args->inputs);
    io.out << fmt::format("merged {} runs from {} stores into {} ({} already there)\n", copied, args->inputs.size(),
                          args->output, kept);
    return 0;
  };
}

}  // namespace ptlab::cli
