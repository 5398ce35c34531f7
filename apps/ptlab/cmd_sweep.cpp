// `ptlab sweep CONFIG`: a grid of experiments into a study store (SQLite), resumable.
#include <fmt/format.h>

#include <filesystem>
#include <ostream>

#include "cli.hpp"
#include "progress.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_spec.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "ptlab/store/study_mpi.hpp"
#include "ptlab/store/study_run.hpp"

namespace ptlab::cli {
namespace {

std::string stat_cell(const experiment::Stat& s) { return s.n > 0 ? fmt::format("{:.4f}", s.mean) : "-"; }

std::string sign_of(const experiment::Stat& ntg) {
  if (ntg.n < 2) return "?";
  if (ntg.ci_high < 0) return "helps";
  if (ntg.ci_low > 0) return "hurts";
  return "n.s.";
}

std::string table(const store::StudyResult& r) {
  std::vector<std::size_t> widths;
  for (const auto& a : r.axes) {
    std::size_t w = a.size();
    for (const auto& p : r.points) w = std::max(w, p.values[widths.size()].size());
    widths.push_back(w);
  }
  std::string out;
  for (std::size_t a = 0; a < r.axes.size(); ++a) out += fmt::format("{:>{}}  ", r.axes[a], widths[a]);
  out += fmt::format("{:>4} {:>4} {:>4}  {:>8} {:>8}  {:>8}  {:>21}  {}\n", "done", "div", "fail", "err*(tr)", "err*(sc)",
                     "NTG", "95% CI", "transfer");
  for (const auto& p : r.points) {
    for (std::size_t a = 0; a < r.axes.size(); ++a) out += fmt::format("{:>{}}  ", p.values[a], widths[a]);
    const std::string ci =
        std::isfinite(p.ntg.ci_low) ? fmt::format("[{:+.4f}, {:+.4f}]", p.ntg.ci_low, p.ntg.ci_high) : "-";
    out += fmt::format("{:>4} {:>4} {:>4}  {:>8} {:>8}  {:>8}  {:>21}  {}\n", p.done, p.diverged, p.failed,
                       stat_cell(p.transfer_test_error_true), stat_cell(p.scratch_test_error_true),
                       p.ntg.n > 0 ? fmt::format("{:+.4f}", p.ntg.mean) : "-", ci, sign_of(p.ntg));
  }
  return out;
}

}  // namespace

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
  cmd->add_option("--set", args->sets, "Override a base key: --set downstream.n=30 (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--store", args->store, "Study file (default: the config's name with .db, in the current directory)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("--threads", args->threads, "Worker threads over runs (default: all cores)")
      ->check(integer_in(1, 1024))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("--shard", args->shard,
                  "Run only shard I of N (I/N, 0-based; e.g. --shard $SLURM_ARRAY_TASK_ID/8) into its own store; "
                  "combine the shards with ptlab merge")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("--checkpoints", args->checkpoints, "Deep configs: directory for upstream checkpoints (see ptlab deep)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  return [&io, args]() {
    int shard_index = 0, shard_count = 1;
    if (!args->shard.empty()) {
      const auto slash = args->shard.find('/');
      try {
        std::size_t a = 0, b = 0;
        if (slash == std::string::npos) throw std::invalid_argument("no slash");
        shard_index = std::stoi(args->shard.substr(0, slash), &a);
        shard_count = std::stoi(args->shard.substr(slash + 1), &b);
        if (a != slash || b != args->shard.size() - slash - 1) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        shard_count = 0;
      }
      if (shard_count < 1 || shard_index < 0 || shard_index >= shard_count)
        throw core::InputError(fmt::format("--shard {}: expected I/N with 0 ≤ I < N, e.g. 0/4", args->shard));
    }
    if (experiment::is_deep_config(args->path)) {  // a deep sweep: `ptlab deep` runs it
      if (shard_count > 1 || args->threads > 0 || store::launched_under_mpi())
        throw core::InputError(fmt::format("{}: a deep config; --shard, --threads and MPI apply to theory sweeps only "
                                           "(a deep run's cores are run.threads)", args->path));
      return run_deep_command(io, {.path = args->path, .sets = args->sets,
                                   .store = !args->store.empty() ? args->store
                                                                 : std::filesystem::path(args->path).stem().string() + ".db",
                                   .checkpoints = args->checkpoints});
    }
    if (!args->checkpoints.empty())
      throw core::InputError(fmt::format("--checkpoints {}: applies to deep configs; {} is a theory sweep (its runs "
                                         "take seconds and are not checkpointed)", args->checkpoints, args->path));
    const experiment::SweepSpec sweep = experiment::load_sweep(args->path, args->sets);
    const std::string stem = std::filesystem::path(args->path).stem().string();
    // Each shard writes its own store: NAME.shard-I-of-N.db beside --store (or the config's name).
    std::string store = !args->store.empty() ? args->store : stem + ".db";
    if (shard_count > 1) {
      const std::filesystem::path p(store);
      store = (p.parent_path() / fmt::format("{}.shard-{}-of-{}{}", p.stem().string(), shard_index, shard_count,
                                            p.extension().string())).string();
    }
    Progress progress(io.err, io.err_is_terminal, "sweep");
    store::StudyRunOptions options;
    options.threads = args->threads;
    options.shard_index = shard_index;
    options.shard_count = shard_count;
    options.provenance = store::current_provenance(io.command_line);
    options.progress = [&progress](int done, int total) { progress.update(done, total); };
    const auto start = std::chrono::steady_clock::now();
    bool root = true;
    const store::StudyResult result =
        store::launched_under_mpi() ? store::run_study_mpi(sweep, store, options, root) : store::run_study(sweep, store, options);
    if (!root) return 0;  // MPI worker ranks print nothing
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    io.out << fmt::format("ptlab sweep {}: {} points x {} seeds = {} runs; ran {} ({} failed), skipped {} already "
                          "in {}{} ({:.1f} s)\n",
                          args->path, result.points.size(), sweep.seeds, result.counts.total, result.counts.ran,
                          result.counts.failed, result.counts.skipped, store,
                          shard_count > 1 ? fmt::format(", left {} to other shards", result.counts.other_shards) : "",
                          wall);
    io.out << "  err* = test error vs true labels; NTG = err*(tr) - err*(sc); helps/hurts = 95% CI excludes 0\n\n";
    io.out << table(result);
    return result.counts.failed > 0 ? 1 : 0;
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
    for (const auto& in : args->inputs)
      if (std::filesystem::exists(in) && std::filesystem::exists(args->output) &&
          std::filesystem::equivalent(in, args->output))
        throw core::InputError(fmt::format("merge: {} is both output and input; expected a different output", in));
    const auto [copied, kept] = store::merge_studies(args->output, args->inputs);
    io.out << fmt::format("merged {} runs from {} stores into {} ({} already there)\n", copied, args->inputs.size(),
                          args->output, kept);
    return 0;
  };
}

}  // namespace ptlab::cli
