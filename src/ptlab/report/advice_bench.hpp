#pragma once
// Rendering of `ptlab advise-bench`: the metrics tables per part and the JSON document (metrics
// and every pair's drawn parameters, predictions and ground truth).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ptlab/advise/bench_metrics.hpp"

namespace ptlab::report {

/// One block per part: predictors (sign accuracy, ROC AUC, Kendall τ), policies (regret,
/// negative-transfer avoidance, transfer rate, decision accuracy) and the probe cost.
std::string advice_bench_text(const std::vector<advise::PartMetrics>& parts, const std::string& title);

nlohmann::json advice_bench_json(const std::vector<advise::PartMetrics>& parts,
                                 const std::vector<advise::PairOutcome>& pairs);

}  // namespace ptlab::report
