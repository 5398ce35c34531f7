#include "ptlab/report/advice_bench.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <limits>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/advise/decide.hpp"
#include "ptlab/experiment/stats.hpp"

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
    out += fmt::format("\n{} part: {} pairs; advise's decision rule: {:g}% lower bound above {:+g} points ({})\n\n",
                       m.part, m.pairs, 100.0 * m.rule.level, m.rule.margin,
                       m.rule_tuned ? "chosen on the development part" : "the first level and margin: no development part");
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
    nlohmann::json part{{"part", m.part}, {"pairs", m.pairs}, {"level", m.rule.level}, {"margin", m.rule.margin}, {"rule_tuned", m.rule_tuned},
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
                     {"cost", finite(p.cost)},
                     {"probe_s", p.probe_s},
                     {"truth_s", p.truth_s}};
    if (p.pair.name.empty()) {  // a theory pair: its drawn config
      c["config"] = experiment::canonical_toml(p.pair.spec);
      c["pair_alpha"] = p.pair.spec.transfer.alpha;
    } else {  // a deep pair: named in its benchmark config
      c["name"] = p.pair.name;
      c["pair_candidate"] = p.probe.estimates[static_cast<std::size_t>(p.pair_strategy)].strategy.name;
    }
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

namespace {

double number_or_nan(const nlohmann::json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

experiment::Stat stat_from(const nlohmann::json& j) {
  experiment::Stat s;
  s.n = j.at("n").get<int>();
  s.mean = number_or_nan(j.at("mean"));
  s.ci_low = number_or_nan(j.at("ci_low"));
  s.ci_high = number_or_nan(j.at("ci_high"));
  s.std = s.n >= 2 ? (s.ci_high - s.mean) * std::sqrt(static_cast<double>(s.n)) /
                         experiment::student_t_quantile(0.975, s.n - 1)
                   : std::numeric_limits<double>::quiet_NaN();
  return s;
}

// The parts of a pair's document that both halves write alike: its score differences, cost and times.
void read_scores_and_cost(const nlohmann::json& p, advise::PairOutcome& o) {
  for (const nlohmann::json& sc : p.at("scores")) {
    o.score_names.push_back(sc.at("name").get<std::string>());
    o.score_minus_fresh.push_back(number_or_nan(sc.at("minus_fresh")));
    o.score_minus_norm_matched.push_back(number_or_nan(sc.at("minus_norm_matched")));
  }
  o.cost = number_or_nan(p.at("cost"));
  o.probe_s = p.at("probe_s").get<double>();
  o.truth_s = p.at("truth_s").get<double>();
}

}  // namespace

std::vector<advise::PairOutcome> read_advice_bench_pairs(const nlohmann::json& doc, const advise::BenchConfig& config,
                                                        const std::string& source) {
  std::vector<advise::PairOutcome> out;
  int at = -1;
  try {
    for (const nlohmann::json& p : doc.at("pairs")) {
      ++at;
      advise::PairOutcome o;
      o.pair = advise::draw_pair(config, p.at("index").get<int>());
      if (p.at("config").get<std::string>() != experiment::canonical_toml(o.pair.spec))
        throw core::InputError(fmt::format("{}: pair {}: its config is not the one this benchmark config draws; expected "
                                           "a file written by advise-bench with the same config", source, o.pair.index));
      const auto strategies = advise::theory_strategies(config.advise.alphas, config.advise.tau,
                                                        o.pair.spec.transfer.freeze, config.advise.extra);
      const nlohmann::json& candidates = p.at("candidates");
      if (candidates.size() != strategies.size())
        throw core::InputError(fmt::format("{}: pair {}: {} candidates; this benchmark config has {}", source,
                                           o.pair.index, candidates.size(), strategies.size()));
      for (std::size_t s = 0; s < strategies.size(); ++s) {
        if (candidates[s].at("name").get<std::string>() != strategies[s].name)
          throw core::InputError(fmt::format("{}: pair {}: candidate {} is \"{}\"; this benchmark config has \"{}\"", source,
                                             o.pair.index, s, candidates[s].at("name").get<std::string>(), strategies[s].name));
        o.probe.estimates.push_back({strategies[s], stat_from(candidates[s].at("predicted_gain")),
                                     stat_from(candidates[s].at("early_gain")), 0.0});
        o.truth.push_back(stat_from(candidates[s].at("true_gain")));
        if (advise::is_plain_alpha(strategies[s], o.pair.spec.transfer.alpha)) o.pair_strategy = static_cast<int>(s);
      }
      read_scores_and_cost(p, o);
      if (o.pair_strategy == 0)
        throw core::InputError(fmt::format("{}: pair {}: its alpha is not among the candidates", source, o.pair.index));
      out.push_back(std::move(o));
    }
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(fmt::format("{}: pair {}: not an advise-bench document ({})", source, at, e.what()));
  }
  if (out.empty()) throw core::InputError(fmt::format("{}: no pairs; expected a document written by advise-bench --out", source));
  return out;
}

std::vector<advise::PairOutcome> read_deep_bench_pairs(const nlohmann::json& doc, const advise::DeepBenchConfig& config,
                                                      const std::string& source) {
  std::vector<advise::PairOutcome> out;
  std::size_t at = 0;
  try {
    if (doc.at("half").get<std::string>() != "deep")
      throw core::InputError(fmt::format("{}: a theory benchmark document; expected one of a deep benchmark", source));
    const nlohmann::json& pairs = doc.at("schedules").at(0).at("pairs");
    for (; at < pairs.size(); ++at) {
      const nlohmann::json& p = pairs[at];
      const std::string name = p.at("name").get<std::string>();
      if (at >= config.pairs.size() || config.pairs[at].name != name)
        throw core::InputError(fmt::format("{}: pair {} is \"{}\"; this benchmark config's pair {} is {}", source, at + 1,
                                           name, at + 1,
                                           at < config.pairs.size() ? "\"" + config.pairs[at].name + "\"" : "missing"));
      advise::PairOutcome o;
      o.pair.index = static_cast<int>(at);
      o.pair.name = name;
      o.pair.dev = config.part == "development";
      const std::string pair_candidate = p.at("pair_candidate").get<std::string>();
      o.pair_strategy = -1;
      for (const nlohmann::json& c : p.at("candidates")) {
        advise::Strategy s;
        s.name = c.at("name").get<std::string>();
        s.scratch = s.name == "scratch";
        double alpha = 0.0;
        char rest[16] = {};
        if (std::sscanf(s.name.c_str(), "alpha=%lf %15s", &alpha, rest) == 2 && std::string(rest) == "random")
          s.transfer = {.rule = transfer::Rule::filter, .alpha = alpha};
        else if (!s.scratch)
          s.transfer = {.rule = transfer::Rule::layer, .alpha = 1.0};
        if (s.name == pair_candidate) o.pair_strategy = static_cast<int>(o.probe.estimates.size());
        o.probe.estimates.push_back({s, stat_from(c.at("predicted_gain")), stat_from(c.at("early_gain")), 0.0});
        o.truth.push_back(stat_from(c.at("true_gain")));
      }
      if (o.pair_strategy <= 0 || o.probe.estimates.front().strategy.name != "scratch")
        throw core::InputError(fmt::format("{}: pair {} (\"{}\"): expected scratch first and its pair_candidate among the "
                                           "candidates", source, at + 1, name));
      read_scores_and_cost(p, o);
      out.push_back(std::move(o));
    }
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(fmt::format("{}: pair {}: not a deep advise-bench document ({})", source, at + 1, e.what()));
  }
  if (out.empty()) throw core::InputError(fmt::format("{}: no pairs; expected a document written by advise-bench --out", source));
  return out;
}

std::string deep_bench_pairs_text(const std::vector<advise::PairOutcome>& pairs, const advise::DecisionRule& rule) {
  std::string out = fmt::format("  {:<44} {:>22} {:<28} {:>8} {:<28} {:>8} {:>6}\n", "pair", "true gain at its alpha",
                                "advice", "its gain", "best in hindsight", "gain", "cost");
  for (const advise::PairOutcome& p : pairs) {
    const auto& at = p.truth[static_cast<std::size_t>(p.pair_strategy)];
    const advise::Advice a = advise::decide(p.probe, rule);
    int best = 0;
    for (std::size_t s = 0; s < p.truth.size(); ++s)
      if (p.truth[s].mean > p.truth[static_cast<std::size_t>(best)].mean) best = static_cast<int>(s);
    const auto name = [&](int s) { return p.probe.estimates[static_cast<std::size_t>(s)].strategy.name; };
    out += fmt::format("  {:<44} {:>22} {:<28} {:>+8.2f} {:<28} {:>+8.2f} {:>5.1f}%\n", p.pair.name,
                       fmt::format("{:+.2f} [{:+.2f}, {:+.2f}]", at.mean, at.ci_low, at.ci_high), name(a.best),
                       p.truth[static_cast<std::size_t>(a.best)].mean, name(best),
                       p.truth[static_cast<std::size_t>(best)].mean, 100.0 * p.cost);
  }
  return out;
}

}  // namespace ptlab::report
