#pragma once
// The early-learning-curve probe (docs/advice.md): for each candidate strategy, train the
// downstream model for a fraction of its step budget on k − 1 folds of the downstream *training*
// set, measure the error on the held-out fold (observed labels: all a practitioner has), extrapolate
// each curve to the full budget, and compare with scratch on the same folds, fresh initialisation
// and seeds (paired). Reads the upstream weights and the downstream training set only: never the
// downstream test set, the true labels or the generative parameters.
#include <cstdint>
#include <functional>
#include <vector>

#include "ptlab/advise/strategy.hpp"
#include "ptlab/experiment/spec.hpp"
#include "ptlab/experiment/stats.hpp"
#include "ptlab/experiment/upstream_cache.hpp"

namespace ptlab::advise {

struct CurveProbeOptions {
  int folds = 4;         ///< k ≥ 2; each fold needs at least one sample
  double budget = 0.2;   ///< fraction of downstream.steps trained, in (0, 1]
  int seeds = 5;         ///< paired seeds spec.seed .. spec.seed + seeds − 1 (≥ 2 for an interval)
  int points = 8;        ///< curve checkpoints within the budget (≥ 3)
  /// Cap on the probe's GD work as a fraction of one full paired run (upstream, transfer and
  /// scratch: n1·T1 + 2·n2·T2 sample-steps), in (0, ∞): the budget is cut to fit, down to
  /// `points` steps. Without it the probe of 7 candidates on 4 folds costs ≈ 10·budget paired
  /// runs when the upstream phase is cheap.
  double max_cost = 0.2;
};

/// A curve a + b·t^(−c) fitted to held-out errors (the stated extrapolation: a power law with an
/// asymptote, the standard learning-curve form; c on a grid in [0.05, 2], (a, b) by least squares).
struct PowerLaw {
  double a = 0.0, b = 0.0, c = 1.0;
  double at(double t) const;
};

/// The least-squares power law through (t_j, e_j), t_j > 0; at least 3 points.
PowerLaw fit_power_law(const std::vector<double>& t, const std::vector<double>& e);

struct StrategyEstimate {
  Strategy strategy;
  /// Predicted gain over scratch in points, 100·(err_scratch − err_strategy) at the full budget,
  /// per seed (averaged over folds), summarised over seeds. > 0: the strategy is predicted to help.
  experiment::Stat gain;
  /// The same measured at the end of the probe's budget (no extrapolation).
  experiment::Stat early_gain;
  double predicted_error = 0.0;  ///< mean over seeds of the extrapolated held-out error
};

struct CurveProbe {
  std::vector<StrategyEstimate> estimates;  ///< in strategy order (scratch: gain 0)
  double probe_cost = 0.0;     ///< GD work of the probe: Σ samples × steps
  double full_run_cost = 0.0;  ///< of the full paired runs it replaces (upstream + 2 downstream), same unit
  int probe_steps = 0;         ///< GD steps each probe curve trains (≥ points: at least one per checkpoint)
  bool capped = false;         ///< probe_steps was cut below budget·T2 by max_cost
  int full_steps = 0;          ///< downstream.steps, the budget each curve is extrapolated to
};

/// Runs the probe. `progress(done, total)` after each trained curve; `cache` shares the upstream
/// phases with other work on the same seeds. Throws core::InputError for options out of range or
/// a downstream training set too small to split into `folds` folds.
CurveProbe curve_probe(const experiment::ExperimentSpec& spec, const std::vector<Strategy>& strategies,
                       const CurveProbeOptions& options, const std::function<void(int, int)>& progress = {},
                       experiment::UpstreamCache* cache = nullptr);

}  // namespace ptlab::advise
