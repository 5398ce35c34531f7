// `ptlab plot STUDY`: figures of a study with gnuplot.
#include <filesystem>
#include <ostream>

#include "cli.hpp"
#include "ptlab/report/plot.hpp"

namespace ptlab::cli {

Action add_plot_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand("plot", "Figures of a study or of a run's output directory (gnuplot; PNG and SVG): "
                                             "learning curves, gamma/rho dynamics, NTG against an axis with 95% CI, "
                                             "a phase diagram with the NTG = 0 contour, or a heatmap of any recorded metric");
  struct Args {
    std::string study;
    report::PlotOptions options;
    std::vector<std::string> formats;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("study", args->study,
                  "Study file written by ptlab sweep, or a directory written by ptlab run --out (curves, dynamics)")
      ->required();
  cmd->add_option("--kind", args->options.kind, "curves, dynamics, ntg, phase or heatmap")
      ->check(CLI::IsMember({"curves", "dynamics", "ntg", "phase", "heatmap"}))
      ->capture_default_str();
  cmd->add_option("--metric", args->options.metric,
                  "heatmap: ntg or PHASE.FIELD (PHASE upstream|transfer|scratch; FIELD train_loss|train_error|"
                  "test_error|test_error_true|steps)")
      ->check(CLI::IsMember({"ntg", "ntg_observed", "upstream.train_loss", "upstream.train_error", "upstream.test_error",
                             "upstream.test_error_true", "upstream.steps", "transfer.train_loss", "transfer.train_error",
                             "transfer.test_error", "transfer.test_error_true", "transfer.steps", "scratch.train_loss",
                             "scratch.train_error", "scratch.test_error", "scratch.test_error_true", "scratch.steps"}))
      ->capture_default_str();
  cmd->add_option("--x", args->options.x, "Axis along x (ntg, phase; default: the first axis)");
  cmd->add_option("--y", args->options.y, "Axis along y (phase; default: the second axis)");
  cmd->add_option("--out", args->options.out_dir, "Directory for the figures (created if missing)")->capture_default_str();
  cmd->add_option("--format", args->formats, "png and/or svg (default: both)")
      ->check(CLI::IsMember({"png", "svg"}))
      ->allow_extra_args(false);
  return [&io, args]() {
    report::PlotOptions options = args->options;
    if (!args->formats.empty()) options.formats = args->formats;
    std::error_code ec;
    if (std::filesystem::is_directory(args->study, ec)) {
      for (const auto& file : report::plot_run_dir(args->study, options)) io.out << file << "\n";
      return 0;
    }
    const store::Study study = store::Study::open_existing(args->study);
    for (const auto& file : report::plot_study(study, options)) io.out << file << "\n";
    return 0;
  };
}

}  // namespace ptlab::cli
