#include "ptlab/report/advice.hpp"

#include <fmt/format.h>

#include <limits>

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

// The per-strategy table and the advice line, shared by both halves.
std::string probe_table(const advise::CurveProbe& probe, const advise::Advice& advice) {
  std::string out = fmt::format("  {:<28} {:>26} {:>34}\n", "strategy", "gain at probe budget", "predicted gain (points), 95% CI");
  for (std::size_t s = 0; s < probe.estimates.size(); ++s) {
    const auto& e = probe.estimates[s];
    out += fmt::format("  {:<28} {:>26} {:>34}{}\n", e.strategy.name, s == 0 ? "0 (reference)" : interval(e.early_gain),
                       s == 0 ? "0 (reference)" : interval(e.gain),
                       static_cast<int>(s) == advice.best && advice.confidence != "none" ? "  <- advice" : "");
  }
  const auto& best = probe.estimates[static_cast<std::size_t>(advice.best)];
  out += advice.confidence == "none"
             ? fmt::format("\n  advice: none: {}\n", advice.reason)
             : fmt::format("\n  advice: {} (confidence {}): {}\n", best.strategy.name, advice.confidence, advice.reason);
  return out;
}

std::string validation_rows(const advise::CurveProbe& probe, const advise::Validation& v, int seeds, const char* runs) {
  std::string out = fmt::format("  validation: the full paired runs of `{}` on the same {} seeds, test set, true labels\n\n",
                                runs, seeds);
  out += fmt::format("  {:<28} {:>34} {:>34}\n", "strategy", "predicted gain, 95% CI", "true gain (points), 95% CI");
  for (std::size_t s = 0; s < probe.estimates.size(); ++s)
    out += fmt::format("  {:<28} {:>34} {:>34}{}\n", probe.estimates[s].strategy.name,
                       s == 0 ? "0 (reference)" : interval(probe.estimates[s].gain),
                       s == 0 ? "0 (reference)" : interval(v.true_gain[s]),
                       static_cast<int>(s) == v.best_in_hindsight ? "  <- best in hindsight" : "");
  out += fmt::format("\n  regret of the advice: {:.2f} points of test accuracy against the best in hindsight\n", v.regret);
  return out;
}

nlohmann::json strategies_json(const advise::CurveProbe& probe, const advise::Validation* validation) {
  nlohmann::json strategies = nlohmann::json::array();
  for (std::size_t s = 0; s < probe.estimates.size(); ++s) {
    const auto& e = probe.estimates[s];
    strategies.push_back({{"name", e.strategy.name}, {"scratch", e.strategy.scratch},
                          {"early_gain", stat_json(e.early_gain)}, {"predicted_gain", stat_json(e.gain)},
                          {"predicted_error", std::isfinite(e.predicted_error) ? nlohmann::json(e.predicted_error) : nlohmann::json(nullptr)}});
    if (validation != nullptr) strategies.back()["true_gain"] = stat_json(validation->true_gain[s]);
  }
  return strategies;
}

nlohmann::json advice_doc(const advise::CurveProbe& probe, const advise::Advice& advice) {
  const auto& best = probe.estimates[static_cast<std::size_t>(advice.best)];
  return {{"strategy", advice.confidence == "none" ? nlohmann::json(nullptr) : nlohmann::json(best.strategy.name)},
          {"index", advice.best}, {"confidence", advice.confidence}, {"reason", advice.reason}};
}

}  // namespace

std::string advice_text(const advise::AdviceResult& r, const std::string& title) {
  const auto& o = r.options.curve;
  std::string out = fmt::format(
      "{}  ({} paired seed{}, {} folds of the downstream training set, {} of {} steps; {:.1f} s)\n\n",
      title, o.seeds, o.seeds == 1 ? "" : "s", o.folds, r.probe.probe_steps, r.probe.full_steps, r.wall_s);
  out += probe_table(r.probe, r.advice);
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
  return validation_rows(r.probe, v, r.options.curve.seeds, "ptlab run");
}

nlohmann::json advice_json(const advise::AdviceResult& r, const advise::Validation* validation) {
  const nlohmann::json strategies = strategies_json(r.probe, validation);
  nlohmann::json doc = {{"options", {{"folds", r.options.curve.folds}, {"budget", r.options.curve.budget}, {"seeds", r.options.curve.seeds},
                       {"points", r.options.curve.points}, {"max_cost", r.options.curve.max_cost}, {"alphas", r.options.alphas},
                       {"tau", r.options.tau}, {"shrink", r.options.extra.shrink}, {"perturb", r.options.extra.perturb},
                       {"l2sp", r.options.extra.l2sp}, {"level", r.options.rule.level}, {"margin", r.options.rule.margin}}},
          {"strategies", strategies},
          {"probe_steps", r.probe.probe_steps}, {"full_steps", r.probe.full_steps}, {"capped", r.probe.capped},
          {"advice", advice_doc(r.probe, r.advice)},
          {"activation_probe", {{"tau", r.activation.tau}, {"selected", r.activation.selected},
                                {"implied_alpha", r.activation.implied_alpha}}},
          {"cost_fraction", r.probe.probe_cost / r.probe.full_run_cost},
          {"wall_s", r.wall_s}};
  if (validation != nullptr)
    doc["validation"] = {{"best_in_hindsight", r.probe.estimates[static_cast<std::size_t>(validation->best_in_hindsight)].strategy.name},
                         {"regret", validation->regret}};
  return doc;
}

std::string deep_advice_text(const advise::DeepAdviceResult& r, const std::string& title) {
  const auto& o = r.options.curve;
  std::string out = fmt::format(
      "{}  ({} paired seed{}, {} class-stratified folds of the downstream training images, {}; {:.1f} s)\n\n",
      title, o.seeds, o.seeds == 1 ? "" : "s", o.folds,
      r.options.schedule == advise::DeepSchedule::compressed
          ? fmt::format("each run a whole {}-step schedule (the full run: {})", r.probe.probe_steps, r.probe.full_steps)
          : fmt::format("each run the first {} of {} steps", r.probe.probe_steps, r.probe.full_steps),
      r.wall_s);
  out += probe_table(r.probe, r.advice);
  if (r.calibration) {
    const auto& c = *r.calibration;
    double z = std::numeric_limits<double>::quiet_NaN();
    for (const auto& sc : r.scores)
      if (sc.name == c.score) z = sc.minus_fresh.mean;
    out += fmt::format("  predicted gains calibrated by {}: per candidate a line in {} upstream − fresh (here {:+.4f}){}, "
                       "fitted on {} development pairs, its interval its leave-one-pair-out error; the first column is "
                       "the probe's own gain (docs/advice.md, \"Calibrated deep advice\")\n",
                       r.options.calibration, c.score, z, c.probe_term ? " and the probe's gain" : "", c.pairs);
  }
  std::string blocks;
  for (const auto& b : r.activation.blocks) blocks += fmt::format("{}{} {}/{}", blocks.empty() ? "" : ", ", b.name, b.active, b.channels);
  out += fmt::format("  activation probe (tau = {:g}, first seed, {} images): channels above their block's mean on ≥ tau "
                     "of the images: {}; implied alpha = {:.2f}\n",
                     r.activation.tau, r.activation.n, blocks, r.activation.implied_alpha);
  const double cost = r.probe.probe_cost / r.probe.full_run_cost;
  out += fmt::format("  cost: {:.1f}% of one full paired run ({}transfer and scratch) per seed, in training images{}\n",
                     100.0 * cost, r.candidates.front().import_weights.empty() ? "upstream, " : "",
                     !r.probe.capped ? std::string()
                     : cost > o.max_cost ? fmt::format("; more than --max-cost {:g}: even the floor of {} steps (one per "
                                                       "checkpoint) costs that much", o.max_cost, r.probe.probe_steps)
                                         : fmt::format("; its budget was cut to {} steps by --max-cost {:g}",
                                                       r.probe.probe_steps, o.max_cost));
  out += r.options.schedule == advise::DeepSchedule::compressed
             ? "  evidence: held-out error on k class-stratified folds of the downstream training images at the end of\n"
               "  a short whole schedule (cosine to 0 within the budget), no extrapolation; gain = 100·(err_scratch − err);\n"
               "  the downstream test set is never read.\n"
             : "  evidence: held-out error on k class-stratified folds of the downstream training images, each run the\n"
               "  first steps of the full schedule, its curve extrapolated to the schedule's end by a fitted power law\n"
               "  a + b·t^(−c); gain = 100·(err_scratch − err); the downstream test set is never read.\n";
  return out;
}

std::string deep_validation_text(const advise::DeepAdviceResult& r, const advise::Validation& v) {
  return validation_rows(r.probe, v, r.options.curve.seeds, "ptlab deep");
}

nlohmann::json deep_advice_json(const advise::DeepAdviceResult& r, const advise::Validation* validation) {
  const auto& o = r.options;
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& b : r.activation.blocks) blocks.push_back({{"block", b.name}, {"channels", b.channels}, {"active", b.active}});
  nlohmann::json doc = {
      {"half", "deep"},
      {"options", {{"schedule", o.schedule == advise::DeepSchedule::compressed ? "compressed" : "prefix"},
                   {"folds", o.curve.folds}, {"budget", o.curve.budget}, {"seeds", o.curve.seeds}, {"points", o.curve.points},
                   {"max_cost", o.curve.max_cost}, {"alphas", o.alphas}, {"activation_alpha", o.activation_alpha},
                   {"tau", o.tau}, {"blocks", o.blocks}, {"l2sp", o.l2sp}, {"shrink", o.shrink}, {"perturb", o.perturb},
                   {"level", o.rule.level}, {"margin", o.rule.margin}}},
      {"strategies", strategies_json(r.probe, validation)},
      {"probe_steps", r.probe.probe_steps}, {"full_steps", r.probe.full_steps}, {"capped", r.probe.capped},
      {"advice", advice_doc(r.probe, r.advice)},
      {"activation_probe", {{"tau", r.activation.tau}, {"images", r.activation.n}, {"blocks", blocks},
                            {"implied_alpha", r.activation.implied_alpha}}},
      {"cost_fraction", r.probe.probe_cost / r.probe.full_run_cost},
      {"wall_s", r.wall_s}};
  if (r.calibration) {
    nlohmann::json scores = nlohmann::json::array();
    for (const auto& sc : r.scores)
      scores.push_back({{"name", sc.name}, {"minus_fresh", sc.minus_fresh.mean}, {"minus_norm_matched", sc.minus_norm_matched.mean}});
    doc["calibration"] = {{"file", o.calibration}, {"score", r.calibration->score}, {"probe_term", r.calibration->probe_term},
                          {"pairs", r.calibration->pairs}, {"scores", scores}};
  }
  if (r.calibration) {
    nlohmann::json scores = nlohmann::json::array();
    for (const auto& sc : r.scores)
      scores.push_back({{"name", sc.name}, {"minus_fresh", sc.minus_fresh.mean}, {"minus_norm_matched", sc.minus_norm_matched.mean}});
    doc["calibration"] = {{"file", o.calibration}, {"score", r.calibration->score}, {"probe_term", r.calibration->probe_term},
                          {"pairs", r.calibration->pairs}, {"scores", scores}};
  }
  if (validation != nullptr)
    doc["validation"] = {{"best_in_hindsight", r.probe.estimates[static_cast<std::size_t>(validation->best_in_hindsight)].strategy.name},
                         {"regret", validation->regret}};
  return doc;
}

}  // namespace ptlab::report
