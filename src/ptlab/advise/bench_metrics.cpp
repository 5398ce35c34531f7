#include "ptlab/advise/bench_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "ptlab/advise/decide.hpp"

namespace ptlab::advise {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int sign(double x) { return x > 0 ? 1 : (x < 0 ? -1 : 0); }

// The candidate "alpha=a random" (plain random filter rule), or −1.
int plain_alpha(const PairOutcome& p, double alpha) {
  for (std::size_t s = 1; s < p.probe.estimates.size(); ++s)
    if (is_plain_alpha(p.probe.estimates[s].strategy, alpha)) return static_cast<int>(s);
  return -1;
}

double best_in_hindsight(const PairOutcome& p) {
  double best = 0.0;  // scratch
  for (const auto& t : p.truth)
    if (std::isfinite(t.mean)) best = std::max(best, t.mean);
  return best;
}

PredictorMetrics predictor(const std::string& name, const std::vector<PairOutcome>& pairs,
                           const std::function<double(const PairOutcome&)>& predict) {
  PredictorMetrics m;
  m.name = name;
  std::vector<double> score, all_pred, all_truth;
  std::vector<bool> positive;
  int correct = 0;
  for (const PairOutcome& p : pairs) {
    const double x = predict(p);
    const experiment::Stat& truth = p.truth[static_cast<std::size_t>(p.pair_strategy)];
    all_pred.push_back(x);
    all_truth.push_back(truth.mean);
    const int s = significant_sign(truth);
    if (s == 0) continue;
    ++m.significant;
    if (!std::isfinite(x)) continue;
    ++m.predicted;
    correct += sign(x) == s ? 1 : 0;
    score.push_back(x);
    positive.push_back(s > 0);
  }
  m.sign_accuracy = m.predicted > 0 ? static_cast<double>(correct) / m.predicted : kNaN;
  m.auc = roc_auc(score, positive);
  m.kendall_tau = kendall_tau_b(all_pred, all_truth);
  return m;
}

PolicyMetrics policy(const std::string& name, const std::vector<PairOutcome>& pairs,
                     const std::function<int(const PairOutcome&)>& choose) {
  PolicyMetrics m;
  m.name = name;
  int avoided = 0, transferred = 0, correct = 0;
  for (const PairOutcome& p : pairs) {
    const int c = choose(p);
    const experiment::Stat& chosen = p.truth[static_cast<std::size_t>(c)];
    const double gain = c == 0 ? 0.0 : (std::isfinite(chosen.mean) ? chosen.mean : kNaN);
    // A candidate that diverged on every seed counts as the worst outcome seen on the pair.
    double worst = 0.0;
    for (const auto& t : p.truth)
      if (std::isfinite(t.mean)) worst = std::min(worst, t.mean);
    const double regret = best_in_hindsight(p) - (std::isfinite(gain) ? gain : worst);
    m.mean_regret += regret / static_cast<double>(pairs.size());
    m.max_regret = std::max(m.max_regret, regret);
    transferred += c != 0 ? 1 : 0;
    if (significant_sign(p.truth[static_cast<std::size_t>(p.pair_strategy)]) < 0) {
      ++m.harmful_pairs;
      avoided += (c == 0 || significant_sign(chosen) >= 0) ? 1 : 0;
    }
    bool some_helps = false, all_hurt = p.truth.size() > 1;
    for (std::size_t s = 1; s < p.truth.size(); ++s) {
      some_helps = some_helps || significant_sign(p.truth[s]) > 0;
      all_hurt = all_hurt && significant_sign(p.truth[s]) < 0;
    }
    if (some_helps || all_hurt) {
      ++m.decided;
      correct += (c != 0) == some_helps ? 1 : 0;
    }
  }
  m.avoidance = m.harmful_pairs > 0 ? static_cast<double>(avoided) / m.harmful_pairs : kNaN;
  m.transfer_rate = pairs.empty() ? kNaN : static_cast<double>(transferred) / static_cast<double>(pairs.size());
  m.sign_accuracy = m.decided > 0 ? static_cast<double>(correct) / m.decided : kNaN;
  return m;
}

}  // namespace

double roc_auc(const std::vector<double>& score, const std::vector<bool>& positive) {
  double wins = 0.0;
  long long pos = 0, neg = 0;
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (!std::isfinite(score[i])) continue;
    (positive[i] ? pos : neg) += 1;
  }
  if (pos == 0 || neg == 0) return kNaN;
  // O(n²) is fine at benchmark sizes (hundreds of pairs) and has no tie-handling subtleties.
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (!positive[i] || !std::isfinite(score[i])) continue;
    for (std::size_t j = 0; j < score.size(); ++j) {
      if (positive[j] || !std::isfinite(score[j])) continue;
      wins += score[i] > score[j] ? 1.0 : (score[i] == score[j] ? 0.5 : 0.0);
    }
  }
  return wins / (static_cast<double>(pos) * static_cast<double>(neg));
}

double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) keep.push_back(i);
  if (keep.size() < 2) return kNaN;
  double concordant = 0, discordant = 0, tie_x = 0, tie_y = 0;
  for (std::size_t a = 0; a < keep.size(); ++a)
    for (std::size_t b = a + 1; b < keep.size(); ++b) {
      const int sx = sign(x[keep[a]] - x[keep[b]]), sy = sign(y[keep[a]] - y[keep[b]]);
      if (sx == 0 && sy == 0) continue;  // tied in both: counts in neither factor of the denominator
      if (sx == 0) {
        ++tie_x;
      } else if (sy == 0) {
        ++tie_y;
      } else if (sx == sy) {
        ++concordant;
      } else {
        ++discordant;
      }
    }
  // τ_b = (C − D) / √((C + D + T_x)(C + D + T_y)), T_x: pairs tied only in x.
  const double denom = std::sqrt((concordant + discordant + tie_x) * (concordant + discordant + tie_y));
  return denom > 0 ? (concordant - discordant) / denom : kNaN;
}

int significant_sign(const experiment::Stat& gain) {
  if (gain.n < 2 || !std::isfinite(gain.ci_low) || !std::isfinite(gain.ci_high)) return 0;
  if (gain.ci_low > 0) return 1;
  if (gain.ci_high < 0) return -1;
  return 0;
}

PartMetrics part_metrics(const std::vector<PairOutcome>& pairs, const std::string& part, const DecisionRule& rule) {
  PartMetrics m;
  m.part = part;
  m.pairs = static_cast<int>(pairs.size());
  m.rule = rule;
  if (pairs.empty()) return m;
  m.predictors.push_back(predictor("curve probe, extrapolated", pairs, [](const PairOutcome& p) {
    return p.probe.estimates[static_cast<std::size_t>(p.pair_strategy)].gain.mean;
  }));
  m.predictors.push_back(predictor("curve probe, at its budget", pairs, [](const PairOutcome& p) {
    return p.probe.estimates[static_cast<std::size_t>(p.pair_strategy)].early_gain.mean;
  }));
  for (std::size_t k = 0; k < pairs.front().score_names.size(); ++k) {
    m.predictors.push_back(predictor(pairs.front().score_names[k] + ", upstream − fresh", pairs,
                                     [k](const PairOutcome& p) { return p.score_minus_fresh[k]; }));
    m.predictors.push_back(predictor(pairs.front().score_names[k] + ", upstream − norm-matched", pairs,
                                     [k](const PairOutcome& p) { return p.score_minus_norm_matched[k]; }));
  }
  m.policies.push_back(policy(fmt::format("advise ({:g}%, {:+g})", 100.0 * rule.level, rule.margin), pairs,
                              [rule](const PairOutcome& p) { return decide(p.probe, rule).best; }));
  m.policies.push_back(policy("always scratch", pairs, [](const PairOutcome&) { return 0; }));
  for (const double a : {1.0, 0.5})
    if (plain_alpha(pairs.front(), a) > 0)
      m.policies.push_back(policy(fmt::format("always alpha={:g}", a), pairs,
                                  [a](const PairOutcome& p) { return plain_alpha(p, a); }));
  std::vector<double> pred, truth;
  for (const PairOutcome& p : pairs)
    for (std::size_t s = 1; s < p.truth.size(); ++s) {
      pred.push_back(p.probe.estimates[s].gain.mean);
      truth.push_back(p.truth[s].mean);
    }
  m.kendall_tau_all = kendall_tau_b(pred, truth);
  for (const PairOutcome& p : pairs) {
    m.cost_mean += p.cost / static_cast<double>(pairs.size());
    m.cost_max = std::max(m.cost_max, p.cost);
  }
  return m;
}

std::vector<PartMetrics> bench_metrics(const std::vector<PairOutcome>& outcomes, const std::vector<double>& levels,
                                       const std::vector<double>& margins, double min_avoidance) {
  std::vector<PairOutcome> dev, held;
  for (const PairOutcome& p : outcomes) (p.pair.dev ? dev : held).push_back(p);
  DecisionRule rule{levels.empty() ? 0.975 : levels.front(), margins.empty() ? 0.0 : margins.front()};
  if (!dev.empty()) {
    // Lexicographic: meets the avoidance floor, then less regret, then higher avoidance, then
    // the safer rule (higher level, larger margin).
    struct Score {
      bool meets;
      double regret, avoidance, level, margin;
    };
    const auto better = [](const Score& a, const Score& b) {
      if (a.meets != b.meets) return a.meets;
      if (a.meets && a.regret != b.regret) return a.regret < b.regret;
      if (a.avoidance != b.avoidance) return a.avoidance > b.avoidance;
      if (a.regret != b.regret) return a.regret < b.regret;
      if (a.level != b.level) return a.level > b.level;
      return a.margin > b.margin;
    };
    std::optional<Score> best;
    for (const double level : levels)
      for (const double margin : margins) {
        const DecisionRule r{level, margin};
        const PolicyMetrics m = policy("", dev, [r](const PairOutcome& p) { return decide(p.probe, r).best; });
        const double avoidance = std::isfinite(m.avoidance) ? m.avoidance : 1.0;
        const Score s{avoidance >= min_avoidance, m.mean_regret, avoidance, level, margin};
        if (!best || better(s, *best)) {
          best = s;
          rule = r;
        }
      }
  }
  std::vector<PartMetrics> out;
  if (!dev.empty()) out.push_back(part_metrics(dev, "development", rule));
  if (!held.empty()) out.push_back(part_metrics(held, "held-out", rule));
  for (PartMetrics& m : out) m.rule_tuned = !dev.empty();
  return out;
}

}  // namespace ptlab::advise
