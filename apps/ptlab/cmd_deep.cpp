// `ptlab deep CONFIG`: the transfer experiment with real deep nets (LibTorch; DESIGN.md §2).
#include <fmt/format.h>

#include <ostream>

#include "cli.hpp"
#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::cli {

Action add_deep_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "deep", "Transfer with real deep nets (ResNet, VGG, ViT; LibTorch): train upstream on one class split, "
              "then for each alpha (or k blocks) a transfer run and a scratch run downstream; prints accuracies");
  struct Args {
    std::string path;
    std::vector<std::string> sets;
    int seeds = 0;
    bool show_transfer = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("config", args->path, "Deep experiment config (TOML), e.g. configs/deep/fmnist_resnet.toml")->required();
  cmd->add_option("--set", args->sets, "Override a key: --set upstream.epochs=2 (repeatable)")->allow_extra_args(false);
  cmd->add_option("--seeds", args->seeds, "Number of seeds (overrides run.seeds)")
      ->check(integer_in(1, 1000))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_flag("--show-transfer", args->show_transfer, "Also print the per-tensor report of what was copied");
  return [&io, args]() {
    std::vector<std::string> sets = args->sets;
    if (args->seeds > 0) sets.push_back(fmt::format("run.seeds={}", args->seeds));
    const experiment::DeepSpec spec = experiment::load_deep_config(args->path, sets);
    std::function<void(const std::string&)> progress;
    if (io.err_is_terminal) progress = [&io](const std::string& m) { io.err << m << "\n" << std::flush; };
    const experiment::DeepResult result = experiment::run_deep(spec, progress);
    io.out << experiment::deep_table(result, "ptlab deep " + args->path);
    if (args->show_transfer) io.out << "\nwhat was copied (seed " << spec.seed << "):\n" << result.transfer_report;
    return 0;
  };
}

}  // namespace ptlab::cli
