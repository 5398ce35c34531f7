// `ptlab sweep CONFIG`: a grid of experiments into a study store (SQLite), resumable.
#include <fmt/format.h>

#include <filesystem>
#include <ostream>

#include "cli.hpp"
#include "progress.hpp"
#include "ptlab/experiment/sweep.hpp"
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
      ->check(integer_at_least(1))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  return [&io, args]() {
    const experiment::SweepSpec sweep = experiment::load_sweep(args->path, args->sets);
    const std::string store =
        args->store.empty() ? std::filesystem::path(args->path).stem().string() + ".db" : args->store;
    Progress progress(io.err, io.err_is_terminal, "sweep");
    store::StudyRunOptions options;
    options.threads = args->threads;
    options.provenance = store::current_provenance(io.command_line);
    options.progress = [&progress](int done, int total) { progress.update(done, total); };
    const auto start = std::chrono::steady_clock::now();
    const store::StudyResult result = store::run_study(sweep, store, options);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    io.out << fmt::format("ptlab sweep {}: {} points x {} seeds = {} runs; ran {} ({} failed), skipped {} already "
                          "in {} ({:.1f} s)\n",
                          args->path, result.points.size(), sweep.seeds, result.counts.total, result.counts.ran,
                          result.counts.failed, result.counts.skipped, store, wall);
    io.out << "  err* = test error vs true labels; NTG = err*(tr) - err*(sc); helps/hurts = 95% CI excludes 0\n\n";
    io.out << table(result);
    return result.counts.failed > 0 ? 1 : 0;
  };
}

}  // namespace ptlab::cli
