#pragma once
// The claim suite of `ptlab verify`: each claim of the theory (the paper's, as known from its
// abstract and reviews, and Kou et al. 2023's) is tested against simulation with a statistic, its
// 95% CI and a stated criterion. A claim the simulation does not support is reported as such.
// Then every candidate indicator of theory/indicators.hpp is scored on all the points simulated.
#include <functional>
#include <string>
#include <vector>

#include "ptlab/experiment/spec.hpp"
#include "ptlab/experiment/stats.hpp"
#include "ptlab/theory/indicators.hpp"

namespace ptlab::verify {

struct ClaimResult {
  std::string claim;       ///< e.g. "NTG falls with alpha"
  std::string source;      ///< where the claim comes from
  std::string experiment;  ///< what was run
  std::string statistic;   ///< what `value` is
  double value = 0.0, ci_low = 0.0, ci_high = 0.0;
  std::string criterion;   ///< when the claim counts as supported
  bool supported = false;
};

/// One simulated point: its inputs and the NTG summary over seeds.
struct PointResult {
  std::string label;
  theory::Inputs inputs;
  experiment::Stat ntg;
};

struct IndicatorScore {
  theory::Indicator indicator;
  theory::Separation separation;
};

struct VerifyOptions {
  bool quick = false;  ///< small sizes (d = 400, m = 10, 300 steps): under 2 minutes on 2 cores
  int threads = 0;     ///< 0 = all hardware threads; results do not depend on it
  /// Called after each finished run: (finished, total).
  std::function<void(int, int)> progress;
};

struct VerifyResult {
  experiment::ExperimentSpec base;  ///< the base config every claim varies
  std::vector<ClaimResult> claims;
  std::vector<PointResult> points;  ///< every transfer point simulated (for the indicators)
  int undetermined = 0;             ///< points left out of the indicator scores (NTG CI contains 0)
  std::vector<IndicatorScore> indicators;
  int runs = 0;
  double wall_s = 0.0;
};

/// The base config: configs/paper.toml (the built-in default), or its quick version.
experiment::ExperimentSpec base_spec(bool quick);

/// Runs the suite. Deterministic for a given `quick` (seeds 0…), whatever the thread count.
VerifyResult run_claims(const VerifyOptions& options);

/// Scores every candidate indicator on the points whose NTG CI excludes 0 (positive: CI below 0).
std::vector<IndicatorScore> score_indicators(const std::vector<PointResult>& points, int* undetermined = nullptr);

/// OLS slope of y on x with its 95% CI (Student t, n − 2 degrees of freedom). Needs ≥ 3 points.
struct Slope {
  double slope = 0.0, ci_low = 0.0, ci_high = 0.0, intercept = 0.0;
};
Slope fit_slope(const std::vector<double>& x, const std::vector<double>& y);

/// Where a decreasing curve first falls below `level`, by linear interpolation in (x, y); NaN if
/// it never crosses from above.
double crossing(const std::vector<double>& x, const std::vector<double>& y, double level);

}  // namespace ptlab::verify
