// `ptlab config`: print the default config (every key, commented) or a resolved config; --deep,
// or a deep config file, for the deep schema (experiment/deep_config.hpp).
#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/deep_config.hpp"

namespace ptlab::cli {

Action add_config_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "config", "Print the default config with a comment on every key, or the resolved form of CONFIG");
  struct Args {
    bool defaults = false;
    bool deep = false;
    std::string path;
    std::vector<std::string> sets;
  };
  auto args = std::make_shared<Args>();
  cmd->add_flag("--default", args->defaults, "Print the whole default config, every key commented");
  cmd->add_flag("--deep", args->deep,
                "The deep config (`ptlab deep`): with --default its keys; a deep CONFIG is recognised without it");
  cmd->add_option("config", args->path, "Config file (TOML) to resolve and print canonically");
  add_set_option(*cmd, args->sets, "transfer.alpha=0.25");
  return [&io, args]() {
    if (args->defaults == !args->path.empty())
      throw core::InputError("config: expected exactly one of --default or CONFIG");
    if (args->defaults && args->deep) {
      // Resolved before anything is printed: a bad --set leaves stdout empty.
      const std::string text = experiment::deep_canonical_toml(experiment::with_overrides(experiment::DeepSpec{}, args->sets), true);
      io.out << (args->sets.empty() ? "# ptlab default deep config: every key, with its meaning and allowed values.\n"
                                    : "# ptlab default deep config with --set overrides: every key, its meaning and range.\n")
             << text;
    } else if (args->deep || (!args->defaults && experiment::is_deep_config(args->path))) {
      io.out << experiment::deep_canonical_toml(experiment::load_deep_config(args->path, args->sets), true);
    } else if (args->defaults) {
      experiment::ExperimentSpec spec;
      for (const auto& s : args->sets) experiment::apply_override(spec, s);
      io.out << (args->sets.empty() ? "# ptlab default config: every key, with its meaning and allowed values.\n"
                                    : "# ptlab default config with --set overrides: every key, its meaning and range.\n")
             << experiment::canonical_toml(spec, true);
    } else {
      io.out << experiment::canonical_toml(experiment::load_config(args->path, args->sets), true);
    }
    return 0;
  };
}

}  // namespace ptlab::cli
