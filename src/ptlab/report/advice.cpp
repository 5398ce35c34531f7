#include "ptlab/report/advice.hpp"

#include <fmt/format.h>

#include <cmath>

namespace ptlab::report {
namespace {

std::string interval(const experiment::Stat& s) {
  if (s.n == 0) return "no valid seed";
  if (!std::isfinite(s.ci_low)) return fmt::format("{:+.2f} (1 seed: no CI)", s.mean);
  return fmt::format("{:+.2f} [{:+.2f}, {:+.2f}]", s.mean, s.ci_low, s.ci_high);
}

nlohmann::json stat_json(const experiment::Stat& s) {
  const auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  return {{"n", s.n}, {"mean", num(s.mean)}, {"ci_low", num(s.ci_low)}, {"ci_high", num(s.ci_high)}};
}

}  // namespace

std::string advice_text(const advise::AdviceResult& r, const std::string& title) {
  const auto& o = r.options.curve;
  std::string out = fmt::format(
      "{}  ({} paired seed{}, {} folds of the downstream training set, {} of {} steps; {:.1f} s)\n\n",
      title, o.seeds, o.seeds == 1 ? "" : "s", o.folds, r.probe.probe_steps, r.probe.full_steps, r.wall_s);
  out += fmt::format("  {:<28} {:>26} {:>34}\n", "strategy", "gain at probe budget", "predicted gain (points), 95% CI");
  for (std::size_t s = 0; s < r.probe.estimates.size(); ++s) {
    const auto& e = r.probe.estimates[s];
    out += fmt::format("  {:<28} {:>26} {:>34}{}\n", e.strategy.name, s == 0 ? "0 (reference)" : interval(e.early_gain),
                       s == 0 ? "0 (reference)" : interval(e.gain), static_cast<int>(s) == r.advice.best && r.advice.confidence != "none" ? "  <- advice" : "");
  }
  const auto& best = r.probe.estimates[static_cast<std::size_t>(r.advice.best)];
  out += r.advice.confidence == "none"
             ? fmt::format("\n  advice: none: {}\n", r.advice.reason)
             : fmt::format("\n  advice: {} (confidence {}): {}\n", best.strategy.name, r.advice.confidence, r.advice.reason);
  out += fmt::format("  activation probe (tau = {:g}, first seed): {} of {} filters active on ≥ tau of the {} training "
                     "samples, implied alpha = {:.2f}\n",
                     r.activation.tau, r.activation.selected.size(), r.activation.active_counts.size(), r.activation.n,
                     r.activation.implied_alpha);
  const double cost = r.probe.probe_cost / r.probe.full_run_cost;
  out += fmt::format("  cost: {:.1f}% of one full paired run (upstream, transfer and scratch) per seed, in GD "
                     "sample-steps; the probe uses the given upstream{}\n",
                     100.0 * cost,
                     !r.probe.capped ? std::string()
                     : cost > o.max_cost ? fmt::format("; more than --max-cost {:g}: even the floor of {} steps (one per "
                                                       "checkpoint) costs that much on so small a config",
                                                       o.max_cost, r.probe.probe_steps)
                                         : fmt::format("; its budget was cut to {} steps by --max-cost {:g}",
                                                       r.probe.probe_steps, o.max_cost));
  out += "  evidence: held-out error (observed labels) on k folds of the downstream training set, each curve\n"
         "  extrapolated to downstream.steps by a fitted power law a + b·t^(−c); gain = 100·(err_scratch − err);\n"
         "  the downstream test set is never read.\n";
  return out;
}

std::string validation_text(const advise::AdviceResult& r, const advise::Validation& v) {
  std::string out = fmt::format("  validation: the full paired runs of `ptlab run` on the same {} seeds, test set, true labels\n\n",
                                r.options.curve.seeds);
  out += fmt::format("  {:<28} {:>34} {:>34}\n", "strategy", "predicted gain, 95% CI", "true gain (points), 95% CI");
  for (std::size_t s = 0; s < r.probe.estimates.size(); ++s)
    out += fmt::format("  {:<28} {:>34} {:>34}{}\n", r.probe.estimates[s].strategy.name,
                       s == 0 ? "0 (reference)" : interval(r.probe.estimates[s].gain),
                       s == 0 ? "0 (reference)" : interval(v.true_gain[s]),
                       static_cast<int>(s) == v.best_in_hindsight ? "  <- best in hindsight" : "");
  out += fmt::format("\n  regret of the advice: {:.2f} points of test accuracy against the best in hindsight\n", v.regret);
  return out;
}

nlohmann::json advice_json(const advise::AdviceResult& r, const advise::Validation* validation) {
  nlohmann::json strategies = nlohmann::json::array();
  for (std::size_t s = 0; s < r.probe.estimates.size(); ++s) {
    const auto& e = r.probe.estimates[s];
    strategies.push_back({{"name", e.strategy.name}, {"scratch", e.strategy.scratch},
                          {"early_gain", stat_json(e.early_gain)}, {"predicted_gain", stat_json(e.gain)},
                          {"predicted_error", std::isfinite(e.predicted_error) ? nlohmann::json(e.predicted_error) : nlohmann::json(nullptr)}});
    if (validation != nullptr) strategies.back()["true_gain"] = stat_json(validation->true_gain[s]);
  }
  const auto& best = r.probe.estimates[static_cast<std::size_t>(r.advice.best)];
  nlohmann::json doc = {{"options", {{"folds", r.options.curve.folds}, {"budget", r.options.curve.budget}, {"seeds", r.options.curve.seeds},
                       {"points", r.options.curve.points}, {"max_cost", r.options.curve.max_cost}, {"alphas", r.options.alphas},
                       {"tau", r.options.tau}, {"shrink", r.options.extra.shrink}, {"perturb", r.options.extra.perturb},
                       {"l2sp", r.options.extra.l2sp}, {"level", r.options.rule.level}, {"margin", r.options.rule.margin}}},
          {"strategies", strategies},
          {"probe_steps", r.probe.probe_steps}, {"full_steps", r.probe.full_steps}, {"capped", r.probe.capped},
          {"advice", {{"strategy", r.advice.confidence == "none" ? nlohmann::json(nullptr) : nlohmann::json(best.strategy.name)}, {"index", r.advice.best}, {"confidence", r.advice.confidence},
                      {"reason", r.advice.reason}}},
          {"activation_probe", {{"tau", r.activation.tau}, {"selected", r.activation.selected},
                                {"implied_alpha", r.activation.implied_alpha}}},
          {"cost_fraction", r.probe.probe_cost / r.probe.full_run_cost},
          {"wall_s", r.wall_s}};
  if (validation != nullptr)
    doc["validation"] = {{"best_in_hindsight", r.probe.estimates[static_cast<std::size_t>(validation->best_in_hindsight)].strategy.name},
                         {"regret", validation->regret}};
  return doc;
}

}  // namespace ptlab::report
