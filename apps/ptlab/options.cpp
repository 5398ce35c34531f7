#include "options.hpp"

#include <fmt/format.h>

#include "cli.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/deep_config.hpp"

namespace ptlab::cli {

void add_set_option(CLI::App& cmd, std::vector<std::string>& sets, const std::string& example) {
  cmd.add_option("--set", sets, fmt::format("Override a key: --set {} (repeatable)", example))->allow_extra_args(false);
}

void add_seeds_option(CLI::App& cmd, int& seeds, Half half, const std::string& help) {
  const experiment::IntegerBounds b = half == Half::theory ? experiment::integer_key_bounds("run.seeds")
                                                            : experiment::deep_integer_key_bounds("run.seeds");
  cmd.add_option("--seeds", seeds, help)
      ->check(integer_in(static_cast<int>(b.lo), static_cast<int>(b.hi)))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void add_threads_option(CLI::App& cmd, int& threads, const std::string& help) {
  cmd.add_option("--threads", threads, help)
      ->check(integer_in(1, experiment::kMaxThreads))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void add_format_option(CLI::App& cmd, std::string& format, const std::string& help) {
  cmd.add_option("--format", format, help)
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->capture_default_str();
}

CLI::Option* add_out_options(CLI::App& cmd, std::string& out, bool& force, const std::string& help) {
  CLI::Option* option = cmd.add_option("--out", out, help)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd.add_flag("--force", force, "Replace the --out directory if it is a previous ptlab output directory");
  return option;
}

std::string results_written(const std::string& out) {
  return "results written to " + out + (out.back() == '/' ? "" : "/") + "\n";
}

std::vector<std::string> overrides_with_seeds(const std::vector<std::string>& sets, int seeds) {
  std::vector<std::string> out = sets;
  if (seeds > 0) out.push_back(fmt::format("run.seeds={}", seeds));
  return out;
}

experiment::ExperimentSpec load_theory_config(const std::string& path, const std::vector<std::string>& sets,
                                              const std::string& command) {
  if (experiment::is_deep_config(path))
    throw core::InputError(fmt::format("{}: a deep config; `ptlab {}` takes theory configs only (its probes and "
                                       "scores are for the theory CNN)", path, command));
  return experiment::load_config(path, sets);
}

}  // namespace ptlab::cli
