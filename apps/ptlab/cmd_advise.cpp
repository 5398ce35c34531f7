// `ptlab advise CONFIG`: which initialisation to use downstream, predicted before the full runs.
#include <fmt/format.h>

#include <optional>
#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "ptlab/advise/advise.hpp"
#include "ptlab/advise/validate.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/report/advice.hpp"
#include "ptlab/report/theory_text.hpp"

namespace ptlab::cli {

Action add_advise_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "advise", "Before training: should the downstream model inherit from the upstream one, and how much? "
                "Probes that train a little on the downstream training set (never its test set) predict each "
                "strategy's gain over scratch");
  struct Args {
    std::string path;
    std::vector<std::string> sets;
    advise::AdviseOptions options;
    std::string format = "table";
    bool validate = false;
    int threads = 0;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("config", args->path, "Experiment config (TOML), e.g. configs/paper.toml")->required();
  add_set_option(*cmd, args->sets, "downstream.n=40");
  cmd->add_option("--folds", args->options.curve.folds, "Folds of the downstream training set")
      ->check(integer_in(2, 1000))->capture_default_str();
  cmd->add_option("--budget", args->options.curve.budget, "Fraction of downstream.steps each probe trains, in (0, 1]")
      ->capture_default_str();
  cmd->add_option("--max-cost", args->options.curve.max_cost,
                  "Cap on the probe's work as a fraction of one full paired run; the budget is cut to fit")
      ->capture_default_str();
  cmd->add_option("--seeds", args->options.curve.seeds, "Paired seeds of the probe")
      ->check(integer_in(1, 1000))->capture_default_str();
  cmd->add_option("--alphas", args->options.alphas, "Alpha grid of the random filter rule, comma-separated (e.g. 0.25,0.5,1), each in (0, 1]")
      ->allow_extra_args(false)->delimiter(',');
  cmd->add_option("--tau", args->options.tau, "Activation threshold tau, in (0, 1]")->capture_default_str();
  cmd->add_option("--level", args->options.rule.level,
                  "Decision rule: a candidate is eligible when its one-sided lower confidence bound at this level "
                  "(0.5: the mean) exceeds --margin; in [0.5, 1)")->capture_default_str();
  cmd->add_option("--margin", args->options.rule.margin, "Decision rule: the margin in points")->capture_default_str();
  cmd->add_option("--shrink", args->options.extra.shrink,
                  "Shrink-and-perturb candidate: inherited weights scaled by this, in [0, 1] (0: no such candidate)")
      ->capture_default_str();
  cmd->add_option("--perturb", args->options.extra.perturb,
                  "Shrink-and-perturb candidate: scale of the fresh draw added, >= 0")->capture_default_str();
  cmd->add_option("--l2sp", args->options.extra.l2sp,
                  "L2-SP candidate: lambda_SP of the penalty towards the inherited weights, >= 0 (0: no such candidate)")
      ->capture_default_str();
  cmd->add_flag("--validate", args->validate,
                "Then run the full paired experiments of every candidate and print predicted against true gain");
  add_threads_option(*cmd, args->threads, "Worker threads over seeds for --validate (default: all cores)");
  cmd->add_option("--format", args->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  return [&io, args]() {
    const experiment::ExperimentSpec spec = load_theory_config(args->path, args->sets, "advise");
    Progress progress(io.err, io.err_is_terminal, "probe curves");
    const advise::AdviceResult r = advise::advise_theory(
        spec, args->options, [&](int done, int total) { if (io.err_is_terminal) progress.update(done, total); });
    // The advice is fixed before any test set is drawn; --validate only scores it.
    const std::optional<advise::Validation> v =
        args->validate ? std::optional(advise::validate(spec, r, args->threads)) : std::nullopt;
    if (args->format == "json") {
      io.out << report::advice_json(r, v ? &*v : nullptr).dump(2) << "\n";
      return 0;
    }
    io.out << report::advice_text(r, "ptlab advise " + args->path) << "\n";
    if (v) io.out << report::validation_text(r, *v) << "\n";
    io.out
           << "Theory, beside the advice (it needs the generative parameters ||u||, sigma_p that a real task does "
              "not reveal; not a probe):\n"
           << report::theory_text(spec, "ptlab theory " + args->path);
    return 0;
  };
}

}  // namespace ptlab::cli
