// `ptlab deep CONFIG`: the transfer experiment with real deep nets (LibTorch; DESIGN.md §2).
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "cli.hpp"
#include "progress.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/store/deep_study.hpp"

namespace ptlab::cli {

int run_deep_command(Io& io, const DeepArgs& args) {
  std::vector<std::string> sets = args.sets;
  if (args.seeds > 0) sets.push_back(fmt::format("run.seeds={}", args.seeds));
  experiment::DeepSweepSpec sweep = experiment::load_deep_sweep(args.path, sets);
  if (args.seeds > 0) sweep.seeds = args.seeds;
  if (!experiment::deep_available()) experiment::run_deep(sweep.base);  // says the build has no LibTorch

  // One progress display per grid point (each point knows its own batches).
  auto progress = std::make_unique<Progress>(io.err, io.err_is_terminal, "deep");
  store::DeepStudyOptions options;
  options.point_started = [&](int index, int count) {
    if (count > 1) progress = std::make_unique<Progress>(io.err, io.err_is_terminal, fmt::format("deep point {}/{}", index + 1, count));
  };
  options.checkpoints = args.checkpoints;
  options.provenance = store::current_provenance(io.command_line);
  options.message = [&progress](const std::string& m) { progress->note(m); };
  options.batches = [&progress](std::int64_t done, std::int64_t total) {
    progress->update(static_cast<int>(done), static_cast<int>(total));
  };
  const store::DeepStudyResult result =
      args.store.empty() ? store::run_deep_sweep(sweep, options) : store::run_deep_study(sweep, args.store, options);
  for (const auto& point : result.points) {
    std::string title = "ptlab deep " + args.path;
    for (std::size_t a = 0; a < result.axes.size(); ++a) title += fmt::format("  {} = {}", result.axes[a], point.values[a]);
    io.out << experiment::deep_table(point.result, title) << "\n";
  }
  if (!args.store.empty())
    io.out << fmt::format("{}: ran {} of {} runs, {} already there\n", args.store, result.ran, result.total, result.skipped);
  if (args.show_transfer) {
    const std::string report = result.points.empty() ? "" : result.points.front().result.transfer_report;
    io.out << (report.empty() ? "\nwhat was copied: nothing to show (no transfer run with a setting > 0 ran this time; "
                                "stored runs are not rerun)\n"
                              : "\nwhat was copied (first seed run, first setting > 0):\n" + report);
  }
  return 0;
}

Action add_deep_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "deep", "Transfer with real deep nets (ResNet, VGG, ViT; LibTorch): train upstream on one task, then for each "
              "alpha (or k blocks) a transfer run and a scratch run downstream; prints accuracies. A [sweep] table "
              "makes a grid; --store keeps every run in a study for plot, report and resuming");
  auto args = std::make_shared<DeepArgs>();
  cmd->add_option("config", args->path, "Deep experiment config (TOML), e.g. configs/deep/fmnist_resnet.toml")->required();
  cmd->add_option("--set", args->sets, "Override a key: --set upstream.epochs=2 (repeatable)")->allow_extra_args(false);
  cmd->add_option("--seeds", args->seeds, "Number of seeds (overrides run.seeds and sweep.seeds)")
      ->check(integer_in(1, 1000))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("--store", args->store, "Study file (SQLite) to record every run in; rerunning skips what is there")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("--checkpoints", args->checkpoints,
                  "Directory for upstream checkpoints: trained upstream weights are saved there and reused by "
                  "later runs of the same upstream config")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_flag("--show-transfer", args->show_transfer, "Also print the per-tensor report of what was copied");
  return [&io, args]() { return run_deep_command(io, *args); };
}

}  // namespace ptlab::cli
