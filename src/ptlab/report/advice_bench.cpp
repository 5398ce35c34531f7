#include "ptlab/report/advice_bench.hpp"

#include <fmt/format.h>

#include <cmath>

#include "ptlab/experiment/config.hpp"

namespace ptlab::report {
namespace {

std::string num(double x, const char* spec = "{:.3f}") {
  return std::isfinite(x) ? fmt::format(fmt::runtime(spec), x) : std::string("—");
}

nlohmann::json finite(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json stat_json(const experiment::Stat& s) {
  return {{"n", s.n}, {"mean", finite(s.mean)}, {"ci_low", finite(s.ci_low)}, {"ci_high", finite(s.ci_high)}};
}

}  // namespace

std::string advice_bench_text(const std::vector<advise::PartMetrics>& parts, const std::string& title) {
  std::string out = title + "\n";
  for (const advise::PartMetrics& m : parts) {
    out += fmt::format("\n{} part: {} pairs; advise's decision margin {:g} points (chosen on the development part)\n\n",
                       m.part, m.pairs, m.margin);
    out += "  predictor of the gain at the pair's alpha          significant  sign acc.  ROC AUC  Kendall tau\n";
    for (const auto& p : m.predictors)
      out += fmt::format("  {:<50} {:>11}  {:>9}  {:>7}  {:>11}\n", p.name,
                         fmt::format("{}/{}", p.predicted, p.significant), num(p.sign_accuracy), num(p.auc),
                         num(p.kendall_tau));
    out += "\n  policy                    mean regret  max regret  avoidance (harmful)  transfers  decision acc. (decided)\n";
    for (const auto& p : m.policies)
      out += fmt::format("  {:<24} {:>12}  {:>10}  {:>19}  {:>9}  {:>23}\n", p.name, num(p.mean_regret, "{:.2f}"),
                         num(p.max_regret, "{:.2f}"), fmt::format("{} ({})", num(p.avoidance), p.harmful_pairs),
                         num(p.transfer_rate, "{:.2f}"), fmt::format("{} ({})", num(p.sign_accuracy), p.decided));
    out += fmt::format("\n  Kendall tau of predicted against true gain over every (pair, candidate): {}\n",
                       num(m.kendall_tau_all));
    out += fmt::format("  probe cost: {:.1f}% of one full paired run on average, {:.1f}% at most\n",
                       100.0 * m.cost_mean, 100.0 * m.cost_max);
  }
  out += "\n  regret in points of test accuracy against the best candidate in hindsight (scratch included);\n"
         "  significant: 95% CI of the true gain over the pair's seeds excludes 0; avoidance: on pairs where the\n"
         "  pair's alpha significantly hurts, the fraction where the policy's choice does not; decision acc.: on\n"
         "  pairs where some candidate significantly helps or all significantly hurt, transferred <=> some helps.\n";
  return out;
}

nlohmann::json advice_bench_json(const std::vector<advise::PartMetrics>& parts,
                                 const std::vector<advise::PairOutcome>& pairs) {
  nlohmann::json j;
  j["parts"] = nlohmann::json::array();
  for (const advise::PartMetrics& m : parts) {
    nlohmann::json part{{"part", m.part}, {"pairs", m.pairs}, {"margin", m.margin},
                        {"kendall_tau_all", finite(m.kendall_tau_all)}, {"cost_mean", finite(m.cost_mean)},
                        {"cost_max", finite(m.cost_max)}};
    for (const auto& p : m.predictors)
      part["predictors"].push_back({{"name", p.name}, {"significant", p.significant}, {"predicted", p.predicted},
                                    {"sign_accuracy", finite(p.sign_accuracy)}, {"auc", finite(p.auc)},
                                    {"kendall_tau", finite(p.kendall_tau)}});
    for (const auto& p : m.policies)
      part["policies"].push_back({{"name", p.name}, {"mean_regret", finite(p.mean_regret)},
                                  {"max_regret", finite(p.max_regret)}, {"harmful_pairs", p.harmful_pairs},
                                  {"avoidance", finite(p.avoidance)}, {"transfer_rate", finite(p.transfer_rate)},
                                  {"decided", p.decided}, {"sign_accuracy", finite(p.sign_accuracy)}});
    j["parts"].push_back(part);
  }
  j["pairs"] = nlohmann::json::array();
  for (const advise::PairOutcome& p : pairs) {
    nlohmann::json c{{"index", p.pair.index},
                     {"part", p.pair.dev ? "development" : "held-out"},
                     {"config", experiment::canonical_toml(p.pair.spec)},
                     {"pair_alpha", p.pair.spec.transfer.alpha},
                     {"cost", finite(p.cost)},
                     {"probe_s", p.probe_s},
                     {"truth_s", p.truth_s}};
    for (std::size_t s = 0; s < p.probe.estimates.size(); ++s)
      c["candidates"].push_back({{"name", p.probe.estimates[s].strategy.name},
                                 {"predicted_gain", stat_json(p.probe.estimates[s].gain)},
                                 {"early_gain", stat_json(p.probe.estimates[s].early_gain)},
                                 {"true_gain", stat_json(p.truth[s])}});
    for (std::size_t k = 0; k < p.score_names.size(); ++k)
      c["scores"].push_back({{"name", p.score_names[k]}, {"minus_fresh", finite(p.score_minus_fresh[k])},
                             {"minus_norm_matched", finite(p.score_minus_norm_matched[k])}});
    j["pairs"].push_back(c);
  }
  return j;
}

}  // namespace ptlab::report
