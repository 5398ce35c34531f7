// `ptlab deep CONFIG --baselines`: the config's transfer settings side by side with the usual
// fine-tuning baselines and controls, all paired with one scratch run per seed.
#include <fmt/format.h>

#include "cli.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/report/deep_table.hpp"

namespace ptlab::cli {

int run_deep_baselines_command(Io& io, const DeepArgs& args) {
  if (!args.store.empty() || args.shard.count > 1)
    throw core::InputError("--baselines: runs its candidates in one process and prints one table; expected no --store "
                           "or --shard");
  if (args.out || args.format != "table")
    throw core::InputError("--baselines: prints one table; expected no --out and --format table");
  experiment::DeepSweepSpec sweep = experiment::load_deep_sweep(args.path, overrides_with_seeds(args.sets, args.seeds));
  if (!sweep.axes.empty())
    throw core::InputError(fmt::format("{}: --baselines compares candidates at one grid point; expected a config "
                                       "without a [sweep] grid", args.path));
  experiment::DeepSpec spec = sweep.base;
  spec.seeds = sweep.seeds;
  if (args.threads > 0) spec.threads = args.threads;
  experiment::check_checkpoints(args.checkpoints);
  experiment::check_deep(spec);
  const std::vector<experiment::DeepBaseline> baselines = experiment::deep_baselines(spec);
  std::vector<experiment::DeepSpec> candidates;
  std::vector<std::string> names;
  for (const auto& b : baselines) {
    candidates.push_back(b.spec);
    names.push_back(b.name);
  }
  Progress progress(io.err, io.err_is_terminal, "deep baselines", {.name = "batches", .measured_steps = true});
  experiment::DeepResult meta;
  const auto records = experiment::run_deep_candidates(
      spec, candidates,
      {.checkpoints = args.checkpoints,
       .message = [&progress](const std::string& m) { progress.note(m); },
       .batches = [&progress](std::int64_t done, std::int64_t total) {
         progress.update(done, total);
       }},
      &meta);
  io.out << report::deep_baselines_table(meta, names, records, "ptlab deep " + args.path + " --baselines") << "\n";
  return 0;
}

}  // namespace ptlab::cli
