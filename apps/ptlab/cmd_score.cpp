// `ptlab score CONFIG`: transferability scores of upstream, fresh and norm-matched features.
#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "ptlab/advise/deep_advise.hpp"
#include "ptlab/advise/feature_scores.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/report/scores_text.hpp"

namespace ptlab::cli {

Action add_score_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "score", "Transferability scores (LogME, LEEP, NCE, H-score, shrinkage H-score, k-NN, SFDA) of the upstream "
               "model's features on the downstream training set, against a fresh and a norm-matched initialisation");
  struct Args {
    std::string path;
    std::vector<std::string> sets;
    int seeds = 5;
    std::string checkpoints;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("config", args->path,
                  "Experiment config (TOML): theory (e.g. configs/paper.toml) or deep (e.g. "
                  "configs/deep/fmnist_resnet_fewshot.toml)")->required();
  add_set_option(*cmd, args->sets, "downstream.n=40");
  cmd->add_option("--seeds", args->seeds, "Seeds to score (each: its upstream, training set and fresh init)")
      ->check(integer_in(1, 1000))->capture_default_str();
  cmd->add_option("--checkpoints", args->checkpoints,
                  "Deep configs: directory of upstream checkpoints shared with `ptlab deep --checkpoints`");
  return [&io, args]() {
    if (experiment::is_deep_config(args->path)) {
      const experiment::DeepSpec spec = experiment::load_deep_config(args->path, args->sets);
      if (!experiment::deep_available()) experiment::run_deep(spec);  // says the build has no LibTorch
      experiment::check_deep(spec);
      io.out << report::scores_text(advise::deep_feature_scores(spec, args->seeds, args->checkpoints), args->seeds,
                                    "ptlab score " + args->path, report::ScoredFeatures::deep);
      return 0;
    }
    const experiment::ExperimentSpec spec = load_theory_config(args->path, args->sets, "score");
    io.out << report::scores_text(advise::feature_scores(spec, args->seeds), args->seeds, "ptlab score " + args->path);
    return 0;
  };
}

}  // namespace ptlab::cli
