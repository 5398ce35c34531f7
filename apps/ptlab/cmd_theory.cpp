// `ptlab theory CONFIG`: closed-form regimes (SNR, Kou et al. 2023) and candidate indicators.
#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/report/theory_text.hpp"

namespace ptlab::cli {

Action add_theory_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "theory", "Predictions without training: SNR_k, n_k||mu_k||^4/(sigma_p^4 d) with the Kou et al. 2023 "
                "verdict for training from scratch, and the candidate transfer indicators (hypotheses)");
  struct Args {
    std::string path;
    std::vector<std::string> sets;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("config", args->path, "Experiment config (TOML), e.g. configs/paper.toml")->required();
  add_set_option(*cmd, args->sets, "upstream.n=400");
  return [&io, args]() {
    const experiment::ExperimentSpec spec = experiment::load_config(args->path, args->sets);
    io.out << report::theory_text(spec, "ptlab theory " + args->path);
    return 0;
  };
}

}  // namespace ptlab::cli
