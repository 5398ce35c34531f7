// `ptlab deep CONFIG`: the transfer experiment with real deep nets (LibTorch; docs/design.md).
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "ptlab/report/deep_table.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/experiment/runner.hpp"
#include "ptlab/store/deep_json.hpp"
#include "ptlab/store/record_format.hpp"
#include "ptlab/store/run_dir.hpp"
#include "ptlab/store/study_sink.hpp"
#include "ptlab/store/summaries.hpp"

namespace ptlab::cli {
namespace {

// --out and --format json/csv describe one experiment; what does not combine with them is refused
// before anything runs (and --out is checked, so a bad directory costs nothing).
void check_output_flags(const DeepArgs& args, const experiment::DeepSweepSpec& sweep) {
  const bool machine = args.format != "table";
  if (args.out && !args.store.empty())
    throw core::InputError(fmt::format("--out {} and --store {}: expected one of them (--out writes one experiment's "
                                       "directory; --store keeps every run in a study: ptlab export reads it)",
                                       *args.out, args.store));
  const std::size_t points = experiment::deep_grid(sweep).size();
  if (points > 1 && (args.out || machine))
    throw core::InputError(fmt::format("{}: a [sweep] grid of {} points; {} covers one experiment: expected --store FILE "
                                       "(then ptlab export FILE for CSV or JSON Lines)", args.path, points,
                                       args.out ? "--out" : "--format " + args.format));
  if (machine && args.show_transfer)
    throw core::InputError(fmt::format("--show-transfer prints a text report; expected --format table, got --format {}",
                                       args.format));
  if (args.out) store::check_output_dir(*args.out, args.force);
}

}  // namespace

int run_deep_command(Io& io, const DeepArgs& args) {
  experiment::DeepSweepSpec sweep = experiment::load_deep_sweep(args.path, overrides_with_seeds(args.sets, args.seeds));
  if (args.seeds > 0) sweep.seeds = args.seeds;
  check_output_flags(args, sweep);
  if (!experiment::deep_available()) experiment::run_deep(sweep.base);  // says the build has no LibTorch
  const bool mpi = experiment::launched_under_mpi();
  if (mpi && args.store.empty())
    throw core::InputError(fmt::format("{}: under mpirun rank 0 keeps the runs in a study; expected --store FILE",
                                       args.path));

  // One progress display per job (each job knows its own batches). Its stage lines (each
  // finished (seed, setting) among them) go to a log too.
  const ProgressUnits batches{.name = "batches", .measured_steps = true};
  auto progress = std::make_unique<Progress>(io.err, io.err_is_terminal, "deep", batches);
  experiment::DeepSweepRunOptions options{.launch = mpi ? experiment::Launch::mpi : experiment::Launch::threads,
                                          .threads = args.threads, .shard = args.shard, .codec = store::run_codec(),
                                          .checkpoints = args.checkpoints};
  options.job_started = [&](int started, int jobs, const experiment::Job& job) {
    if (jobs != 1)
      progress = std::make_unique<Progress>(
          io.err, io.err_is_terminal,
          jobs > 0 ? fmt::format("deep job {}/{} (point {}, seed {})", started, jobs, job.point + 1, job.seed)
                   : fmt::format("deep (point {}, seed {})", job.point + 1, job.seed),
          batches);
  };
  options.message = [&progress](const std::string& m) { progress->note(m); };
  options.batches = [&progress](std::int64_t done, std::int64_t total) { progress->update(done, total); };
  experiment::MemorySink memory;
  std::optional<store::StudySink> study;
  const auto provenance = store::current_provenance(io.command_line);
  const auto open = [&]() -> experiment::Sink& {
    if (args.store.empty()) return memory;
    return study.emplace(store::StudySink::open_for(experiment::study_key(sweep), args.store, provenance));
  };
  const experiment::DeepSweepOutcome outcome = experiment::run_deep_sweep(sweep, open, options);
  if (!outcome.exec.owner) return 0;  // MPI worker ranks print nothing
  // The tables cover every stored record of the sweep, earlier calls' too.
  const auto records = study ? store::deep_records(study->study()) : experiment::deep_records(memory);
  const auto points = experiment::deep_point_results(sweep, records, outcome);
  const auto axes = experiment::study_key(sweep).axes;
  // json and csv describe the one point check_output_flags allowed; nothing else goes to stdout.
  if (args.format == "json") io.out << store::deep_to_json(points.front().result, provenance).dump(2) << "\n";
  if (args.format == "csv") io.out << report::deep_records_csv(points.front().result);
  if (args.format == "table")
    for (const auto& point : points) {
      std::string title = "ptlab deep " + args.path;
      for (std::size_t a = 0; a < point.values.size(); ++a) title += fmt::format("  {} = {}", axes[a], point.values[a]);
      io.out << report::deep_table(point.result, title) << "\n";
    }
  if (args.out) {
    store::write_deep_run_dir(*args.out, points.front().result, provenance, args.force);
    if (args.format == "table") io.out << results_written(*args.out);
  }
  if (!args.store.empty())
    (args.format == "table" ? io.out : io.err)
        << fmt::format("{}: ran {} of {} runs, {} already there{}\n", args.store, outcome.exec.ran,
                       outcome.exec.counts.total, outcome.exec.counts.skipped,
                       args.shard.count > 1 ? fmt::format(", {} left to other shards", outcome.exec.counts.other_shards)
                                            : "");
  if (args.show_transfer) {
    io.out << (outcome.transfer_report.empty()
                   ? "\nwhat was copied: nothing to show (no transfer run with a setting > 0 ran this time; "
                     "stored runs are not rerun)\n"
                   : "\nwhat was copied (first seed run, first setting > 0):\n" + outcome.transfer_report);
  }
  return 0;
}

Action add_deep_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "deep", "Transfer with real deep nets (ResNet, VGG, ViT; LibTorch): train upstream on one task, then for each "
              "alpha (or k blocks) a transfer run and a scratch run downstream; prints accuracies. A [sweep] table "
              "makes a grid; --store keeps every run in a study for plot, report and resuming");
  auto args = std::make_shared<DeepArgs>();
  auto shard = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("config", args->path, "Deep experiment config (TOML), e.g. configs/deep/fmnist_resnet.toml")->required();
  add_set_option(*cmd, args->sets, "upstream.epochs=2");
  add_seeds_option(*cmd, args->seeds, Half::deep, "Number of seeds (overrides run.seeds and sweep.seeds)");
  cmd->add_option("--store", args->store, "Study file (SQLite) to record every run in; rerunning skips what is there")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  CLI::Option* out_option = add_out_options(
      *cmd, *out, args->force,
      "Write config.toml, summary.json and curves.csv (every epoch) to this new directory (parents are created); "
      "one experiment: not with a [sweep] grid or --store");
  add_format_option(*cmd, args->format,
                    "Output on stdout: table, json (the summary.json document) or csv (one row per seed and setting)");
  cmd->add_option("--checkpoints", args->checkpoints,
                  "Directory for upstream checkpoints: trained upstream weights are saved there and reused by "
                  "later runs of the same upstream config")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  add_threads_option(*cmd, args->threads, "LibTorch threads (default: run.threads; 0 there = all cores)");
  cmd->add_option("--shard", *shard,
                  "Run only shard I of N of the (point, seed) jobs (I/N, 0-based) into --store; combine the "
                  "shards' stores with ptlab merge")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_flag("--show-transfer", args->show_transfer, "Also print the per-tensor report of what was copied");
  cmd->add_flag("--baselines", args->baselines,
                "Compare the config's settings with fine-tuning baselines and controls at alpha = 1 (norm-matched "
                "random, shrink-perturb, L2-SP, linear probe, LP-FT, per-block lr), each paired with scratch");
  return [&io, args, shard, out, out_option]() {
    DeepArgs a = *args;
    if (out_option->count() > 0) a.out = *out;
    if (!shard->empty()) {
      a.shard = experiment::parse_shard(*shard);
      if (a.store.empty())
        throw core::InputError(fmt::format("--shard {}: a shard's runs go into a study; expected --store FILE", *shard));
      a.store = store::shard_path(a.store, a.shard);
    }
    return a.baselines ? run_deep_baselines_command(io, a) : run_deep_command(io, a);
  };
}

}  // namespace ptlab::cli
