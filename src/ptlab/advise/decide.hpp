#pragma once
// The decision rule of `ptlab advise`: from the probes' predicted gains to one recommendation.
// A rule, not a theorem: its accuracy is measured on task pairs with paired ground truth
// (docs/advice.md), and it leans to scratch, since a missed gain costs less than negative transfer.
#include <string>

#include "ptlab/advise/curve_probe.hpp"

namespace ptlab::advise {

struct Advice {
  int best = 0;             ///< index into the probe's estimates (0 = scratch)
  /// "high": the chosen CI excludes 0 (or every CI is below 0); "low" otherwise; "none" when the
  /// probes gave no valid curve (every run diverged), so there is nothing to advise from.
  std::string confidence;
  std::string reason;       ///< one sentence
};

/// The rule's two tunables (tuned on the development part of the advice benchmark only,
/// docs/advice.md): a candidate is eligible when the one-sided lower confidence bound of its
/// predicted gain at `level`, mean − t_{level, n−1}·std/√n (level 0.5: the mean itself), exceeds
/// `margin` points.
struct DecisionRule {
  double level = 0.975;  ///< in [0.5, 1): 0.975 is the lower end of the two-sided 95% CI
  double margin = 0.0;   ///< points
};

/// Transfer with the eligible strategy of largest predicted mean gain; if none is eligible,
/// scratch. Confidence "high" when the chosen strategy's 95% CI lies above 0 (or, for scratch,
/// every strategy's lies below 0), "low" otherwise; "none" when no curve was valid.
Advice decide(const CurveProbe& probe, const DecisionRule& rule = {});

}  // namespace ptlab::advise
