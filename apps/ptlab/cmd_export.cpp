// `ptlab export STUDY`: tidy CSV or JSON Lines of a study's runs (or learning curves).
#include <fmt/format.h>

#include <filesystem>
#include <ostream>

#include "cli.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/store/export.hpp"

namespace ptlab::cli {

Action add_export_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand("export", "Export a study's runs as tidy CSV or JSON Lines (for pandas or R)");
  struct Args {
    std::string study;
    bool csv = false;
    bool jsonl = false;
    bool curves = false;
    std::string out;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("study", args->study, "Study file written by ptlab sweep")->required();
  auto* csv = cmd->add_flag("--csv", args->csv, "One row per run (default)");
  cmd->add_flag("--jsonl", args->jsonl, "One JSON object per run")->excludes(csv);
  cmd->add_flag("--curves", args->curves, "Learning curves instead of runs (CSV, one row per curve point)");
  cmd->add_option("--out", args->out, "Write to this file instead of stdout");
  return [&io, args]() {
    if (args->curves && args->jsonl) throw core::InputError("export: --curves is CSV only; expected --curves without --jsonl");
    const store::Study study = store::Study::open_existing(args->study);
    const std::string text = args->curves  ? store::export_curves_csv(study)
                             : args->jsonl ? store::export_runs_jsonl(study)
                                           : store::export_runs_csv(study);
    if (args->out.empty()) {
      io.out << text;
      return 0;
    }
    store::write_export(args->out, text);
    return 0;
  };
}

}  // namespace ptlab::cli
