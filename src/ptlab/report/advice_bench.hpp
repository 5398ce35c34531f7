#pragma once
// Rendering of `ptlab advise-bench`: the metrics tables per part and the JSON document (metrics
// and every pair's drawn parameters, predictions and ground truth).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ptlab/advise/bench_metrics.hpp"
#include "ptlab/advise/deep_bench.hpp"

namespace ptlab::report {

/// One block per part: predictors (sign accuracy, ROC AUC, Kendall τ), policies (regret,
/// negative-transfer avoidance, transfer rate, decision accuracy) and the probe cost.
std::string advice_bench_text(const std::vector<advise::PartMetrics>& parts, const std::string& title);

nlohmann::json advice_bench_json(const std::vector<advise::PartMetrics>& parts,
                                 const std::vector<advise::PairOutcome>& pairs);

/// The pairs of a document written by advice_bench_json, for re-scoring with other decision rules
/// without rerunning anything. Each pair is checked against `config` (its drawn config and its
/// candidates must be the ones `config` gives); a Stat's std is recovered from its 95% CI. Throws
/// core::InputError naming `source` and the pair for a document that does not match or is not one.
std::vector<advise::PairOutcome> read_advice_bench_pairs(const nlohmann::json& doc, const advise::BenchConfig& config,
                                                        const std::string& source);

/// The pairs of a deep benchmark document (written by `advise-bench --out` on a deep benchmark),
/// under its first schedule (advise's), for fitting or applying a calibration without rerunning.
/// The document's pairs must be the first pairs of `config`, by name and in order; their part is
/// `config.part`. A candidate "alpha=A random" is the plain channel rule at A (the static
/// policies); the others are not plain α. Throws core::InputError naming `source` and the pair.
std::vector<advise::PairOutcome> read_deep_bench_pairs(const nlohmann::json& doc, const advise::DeepBenchConfig& config,
                                                      const std::string& source);

/// One line per deep pair: its name, the true gain at its α with the 95% CI, the advice (at
/// `rule`) and its true gain, the best candidate in hindsight and the probe cost.
std::string deep_bench_pairs_text(const std::vector<advise::PairOutcome>& pairs, const advise::DecisionRule& rule);

}  // namespace ptlab::report
