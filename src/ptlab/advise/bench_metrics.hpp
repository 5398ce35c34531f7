#pragma once
// Metrics of the advice benchmark (docs/advice.md, "Metrics"): how well each predictor answers
// "does transferring at the pair's α help?", and how much each policy (advise, static choices)
// loses against the best candidate in hindsight. Truth is "significant" when its 95% CI over the
// pair's seeds excludes 0.
#include <string>
#include <vector>

#include "ptlab/advise/bench.hpp"

namespace ptlab::advise {

/// Area under the ROC curve of `score` for positives (label true) against negatives: the
/// Mann–Whitney probability that a random positive scores above a random negative, ties counted
/// ½. NaN when either class is empty. Entries with a NaN score are skipped.
double roc_auc(const std::vector<double>& score, const std::vector<bool>& positive);

/// Kendall's τ_b between x and y (ties corrected; Kendall 1945), over the pairs where both are
/// finite. NaN with fewer than 2 such entries or when either side is constant.
double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y);

/// +1 when the 95% CI lies above 0, −1 when below, 0 otherwise (or undetermined).
int significant_sign(const experiment::Stat& gain);

/// A predictor of the gain at the pair's α: the curve probe, or a score difference.
struct PredictorMetrics {
  std::string name;
  int significant = 0;          ///< pairs whose true gain at their α is significant
  int predicted = 0;            ///< of those, pairs where this predictor had a finite value
  double sign_accuracy = 0.0;   ///< on those: sign(prediction) = sign(truth)
  double auc = 0.0;             ///< ROC AUC for "helps" against "hurts" on those
  double kendall_tau = 0.0;     ///< τ_b between prediction and true mean gain, all pairs
};

/// A policy: which candidate to use on each pair.
struct PolicyMetrics {
  std::string name;
  double mean_regret = 0.0;     ///< mean over pairs of (best true gain in hindsight, ≥ 0 with scratch) − chosen's
  double max_regret = 0.0;
  int harmful_pairs = 0;        ///< pairs where transferring at their α significantly hurts
  double avoidance = 0.0;       ///< of those, the fraction where the chosen candidate is not significantly harmful
  double transfer_rate = 0.0;   ///< fraction of pairs where it chose a transfer candidate
  int decided = 0;              ///< pairs where some candidate significantly helps or every one significantly hurts
  double sign_accuracy = 0.0;   ///< on those: transferred ⇔ some candidate significantly helps
};

struct PartMetrics {
  std::string part;   ///< "development", "held-out" or "all"
  int pairs = 0;
  DecisionRule rule;          ///< the decision rule the advise policy used
  bool rule_tuned = false;    ///< chosen on a development part (else the first level and margin)
  std::vector<PredictorMetrics> predictors;
  std::vector<PolicyMetrics> policies;  ///< advise first, then always scratch, always α = 1, always α = 0.5
  double kendall_tau_all = 0.0;         ///< τ_b between predicted and true gain over every (pair, candidate)
  double cost_mean = 0.0, cost_max = 0.0;  ///< probe cost / one full paired run
};

/// Metrics of `pairs` (any subset of the benchmark's outcomes) with the advise policy at `rule`.
PartMetrics part_metrics(const std::vector<PairOutcome>& pairs, const std::string& part, const DecisionRule& rule);

/// The benchmark's protocol: of the rules levels × margins, the one of least mean regret on the
/// development pairs among those whose development avoidance is ≥ min_avoidance (none such: the
/// one of highest avoidance; ties: the safer, higher level then larger margin), then every part
/// scored with it. Returns {development, held-out} (a part with no pairs is left out).
std::vector<PartMetrics> bench_metrics(const std::vector<PairOutcome>& outcomes, const std::vector<double>& levels,
                                       const std::vector<double>& margins, double min_avoidance);

}  // namespace ptlab::advise
