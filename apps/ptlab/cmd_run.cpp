// `ptlab run CONFIG`: upstream training → transfer → downstream training (transfer and scratch).
#include <fmt/format.h>

#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/run.hpp"
#include "ptlab/report/table.hpp"
#include "ptlab/store/record_json.hpp"
#include "ptlab/store/run_dir.hpp"

namespace ptlab::cli {

Action add_run_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "run", "Train upstream, transfer a fraction alpha of its filters, train downstream with transfer "
             "and from scratch, and report test errors and NTG over seeds");
  struct Args {
    std::string path;
    std::vector<std::string> sets;
    int seeds = 0;
    int threads = 0;
    std::string out;
    bool force = false;
    std::string format = "table";
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("config", args->path, "Experiment config (TOML), e.g. configs/paper.toml")->required();
  add_set_option(*cmd, args->sets, "transfer.alpha=0.25");
  add_seeds_option(*cmd, args->seeds, Half::theory, "Number of seeds (overrides run.seeds)");
  add_threads_option(*cmd, args->threads, "Worker threads over seeds (default: all cores)");
  CLI::Option* out_option = add_out_options(*cmd, args->out, args->force,
                  "Write config.toml, summary.json, curves.csv and dynamics.csv (γ/ρ) to this new directory "
                  "(parents are created)");
  add_format_option(*cmd, args->format, "Output on stdout: table, json (the summary.json document) or csv (one row per seed)");
  return [&io, args, out_option]() {
    const bool write_out = out_option->count() > 0;
    const experiment::ExperimentSpec spec =
        experiment::load_config(args->path, overrides_with_seeds(args->sets, args->seeds));
    if (write_out) store::check_output_dir(args->out, args->force);

    experiment::RunOptions options;
    options.threads = args->threads;
    // Seeds take seconds: a bar on a terminal, nothing in logs.
    Progress progress(io.err, io.err_is_terminal, "seeds");
    if (io.err_is_terminal)
      options.progress = [&progress](int done, int total, const experiment::SeedRecord& r) {
        progress.update(done, total,
                        fmt::format("seed {}: {}", r.seed, r.valid() ? fmt::format("NTG {:+.4f}", r.ntg) : "diverged"));
      };
    const store::Provenance provenance = store::current_provenance(io.command_line);
    const experiment::ExperimentResult result = experiment::run_experiment(spec, options);

    if (args->format == "json") {
      io.out << store::to_json(result, provenance).dump(2) << "\n";
    } else if (args->format == "csv") {
      io.out << report::seeds_csv(result);
    } else {
      io.out << report::text_table(result, "ptlab run " + args->path);
    }
    if (write_out) {
      store::write_run_dir(args->out, result, provenance, args->force);
      if (args->format == "table") io.out << results_written(args->out);
    }
    return 0;
  };
}

}  // namespace ptlab::cli
