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

/// Transfer with the strategy of largest predicted gain among those whose 95% CI lies above
/// `margin` points (≥ 0; 0: above 0); if none does, scratch (confidence high when every
/// strategy's CI lies below 0). The margin is the rule's one tunable (tuned on the development
/// part of the advice benchmark only).
Advice decide(const CurveProbe& probe, double margin = 0.0);

}  // namespace ptlab::advise
