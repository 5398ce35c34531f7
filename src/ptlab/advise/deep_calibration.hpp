#pragma once
// Score calibration of deep advice (docs/advice.md, "Calibrated deep advice"): on real images a
// short probe sees an early lead of every transfer candidate that scratch catches up by the end of
// the full schedule, while the transferability scores of the upstream's features rank the true
// gain well. A calibration turns them into predicted gains: for each candidate c, a line
//
//     gain_c ≈ a_c + b_c · Δscore  (+ p_c · probe_c)
//
// fitted by least squares on the development pairs of the deep benchmark, where Δscore is one
// transferability score of the upstream minus that of a fresh net (ScoreSummary::minus_fresh) and
// probe_c the curve probe's predicted gain. Which score, and whether the probe term is used, are
// chosen by leave-one-pair-out error on the development pairs; each line's interval is its own
// leave-one-pair-out residual. An empirical model of ours, not a result of the paper: it holds
// for task pairs like its development pairs (the same architecture and data family), and its
// accuracy is what the held-out part of the benchmark measures.
#include <string>
#include <vector>

#include "ptlab/advise/bench.hpp"

namespace ptlab::advise {

struct DeepCalibration {
  struct Line {
    std::string candidate;     ///< the candidate's name (Strategy::name), e.g. "alpha=1 random"
    double intercept = 0.0;    ///< points
    double score_slope = 0.0;  ///< points per unit of Δscore
    double probe_slope = 0.0;  ///< points per point of probe gain (0 without the probe term)
    double rmse = 0.0;         ///< leave-one-pair-out RMS residual, points
  };
  std::string score;           ///< the score whose upstream − fresh difference is used, e.g. "LogME"
  bool probe_term = false;     ///< whether the lines use the probe's predicted gain
  int pairs = 0;               ///< development pairs fitted
  double loo_rmse = 0.0;       ///< leave-one-pair-out RMS residual over every candidate, points
  std::vector<Line> lines;     ///< one per non-scratch candidate, in the probe's order
};

/// Fits the calibration on `development` (every outcome's candidates in the same order, at least 4
/// pairs): each score with a finite upstream − fresh difference on every pair, with and without
/// the probe term, and the one of least leave-one-pair-out error kept. A small ridge (1e-6 times
/// the feature's variance) keeps a constant feature from breaking the solve. Throws
/// core::InputError with fewer than 4 pairs, candidates that differ between pairs, or no usable score.
DeepCalibration fit_deep_calibration(const std::vector<PairOutcome>& development);

/// `probe` with each non-scratch candidate's predicted gain replaced by its line's prediction:
/// mean a + b·Δscore (+ p·probe), an interval of ±t_{0.975, pairs−1}·rmse, and n = pairs with
/// std = rmse·√pairs, so that DecisionRule's lower bound mean − t·std/√n is the line's one-sided
/// prediction bound. early_gain keeps the probe's own estimate. Throws core::InputError when a
/// candidate has no line or the calibration's score is missing or not finite in `names`/`minus_fresh`.
CurveProbe calibrate(const CurveProbe& probe, const std::vector<std::string>& names,
                     const std::vector<double>& minus_fresh, const DeepCalibration& calibration);

/// Every outcome with its probe calibrated (its own scores); truth and cost unchanged.
std::vector<PairOutcome> calibrate(const std::vector<PairOutcome>& outcomes, const DeepCalibration& calibration);

/// The calibration as a TOML document (read back by load_deep_calibration), `header` as comments.
std::string deep_calibration_toml(const DeepCalibration& calibration, const std::string& header);

/// Reads a file written by deep_calibration_toml. Throws core::InputError naming the file and key.
DeepCalibration load_deep_calibration(const std::string& path);

}  // namespace ptlab::advise
