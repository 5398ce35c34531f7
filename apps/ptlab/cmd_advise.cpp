// `ptlab advise CONFIG`: which initialisation to use downstream, predicted before the full runs.
#include <fmt/format.h>

#include <optional>
#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "ptlab/advise/advise.hpp"
#include "ptlab/advise/deep_advise.hpp"
#include "ptlab/advise/validate.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/report/advice.hpp"
#include "ptlab/report/theory_text.hpp"

namespace ptlab::cli {
namespace {

// The options given on the command line, onto the deep defaults (which differ from the theory's).
advise::DeepAdviseOptions deep_options(const CLI::App& cmd, const advise::AdviseOptions& given,
                                       advise::DeepAdviseOptions deep) {
  const auto set = [&](const char* name) { return cmd.count(name) > 0; };
  if (set("--folds")) deep.curve.folds = given.curve.folds;
  if (set("--budget")) deep.curve.budget = given.curve.budget;
  if (set("--max-cost")) deep.curve.max_cost = given.curve.max_cost;
  if (set("--seeds")) deep.curve.seeds = given.curve.seeds;
  if (set("--alphas")) deep.alphas = given.alphas;
  if (set("--tau")) deep.tau = given.tau;
  if (set("--level")) deep.rule.level = given.rule.level;
  if (set("--margin")) deep.rule.margin = given.rule.margin;
  if (set("--shrink")) deep.shrink = given.extra.shrink;
  if (set("--perturb")) deep.perturb = given.extra.perturb;
  if (set("--l2sp")) deep.l2sp = given.extra.l2sp;
  return deep;
}

}  // namespace

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
    advise::DeepAdviseOptions deep;
    std::string schedule = "compressed";
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("config", args->path,
                  "Experiment config (TOML): a theory config (e.g. configs/paper.toml) or a deep one "
                  "(e.g. configs/deep/fmnist_resnet_fewshot.toml; its defaults: --folds 2 --budget 0.3 --seeds 3 "
                  "--alphas 0.5,1 --l2sp 0.1 --perturb 0.1 --level 0.7)")->required();
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
  cmd->add_option("--activation-alpha", args->deep.activation_alpha,
                  "Deep configs: the activation-selected channel candidate at this alpha, in [0, 1] (0: none)")
      ->capture_default_str();
  cmd->add_option("--blocks", args->deep.blocks,
                  "Deep configs: the first-k-blocks candidates (frozen and fine-tuned); -1: half the blocks, 0: none")
      ->capture_default_str();
  cmd->add_option("--schedule", args->schedule,
                  "Deep configs: each probe run trains a whole short schedule (compressed) or the first steps of the "
                  "full one, extrapolated (prefix)")
      ->check(CLI::IsMember({"compressed", "prefix"}))->capture_default_str();
  cmd->add_option("--checkpoints", args->deep.checkpoints,
                  "Deep configs: directory of upstream checkpoints shared with `ptlab deep --checkpoints`");
  cmd->add_option("--calibration", args->deep.calibration,
                  "Deep configs: predict each candidate's gain from the upstream's transferability score with this "
                  "calibration (written by advise-bench --write-calibration; shipped: configs/advise/deep_calibration.toml, "
                  "fitted on ResNet-8 Fashion-MNIST pairs)");
  cmd->add_flag("--validate", args->validate,
                "Then run the full paired experiments of every candidate and print predicted against true gain");
  add_threads_option(*cmd, args->threads,
                     "Theory: worker threads over seeds for --validate; deep: LibTorch threads (default: all cores)");
  cmd->add_option("--format", args->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  return [&io, args, cmd]() {
    if (experiment::is_deep_config(args->path)) {
      experiment::DeepSpec spec = experiment::load_deep_config(args->path, args->sets);
      if (args->threads > 0) spec.threads = args->threads;
      if (!experiment::deep_available()) experiment::run_deep(spec);  // says the build has no LibTorch
      experiment::check_deep(spec);  // classes, images per class, device, import: before any training
      advise::DeepAdviseOptions options = deep_options(*cmd, args->options, args->deep);
      options.schedule = args->schedule == "prefix" ? advise::DeepSchedule::prefix : advise::DeepSchedule::compressed;
      Progress progress(io.err, io.err_is_terminal, "probe runs");
      const advise::DeepAdviceResult r = advise::advise_deep(
          spec, options, [&](int done, int total) { if (io.err_is_terminal) progress.update(done, total); });
      const std::optional<advise::Validation> v =
          args->validate ? std::optional(advise::validate_deep(spec, r)) : std::nullopt;
      if (args->format == "json") {
        io.out << report::deep_advice_json(r, v ? &*v : nullptr).dump(2) << "\n";
        return 0;
      }
      io.out << report::deep_advice_text(r, "ptlab advise " + args->path) << "\n";
      if (v) io.out << report::deep_validation_text(r, *v) << "\n";
      return 0;
    }
    for (const char* deep_only : {"--activation-alpha", "--blocks", "--schedule", "--checkpoints", "--calibration"})
      if (cmd->count(deep_only) > 0)
        throw core::InputError(fmt::format("{}: only for deep configs; {} is a theory config", deep_only, args->path));
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
