#include "ptlab/advise/decide.hpp"

#include <fmt/format.h>

#include <cmath>

namespace ptlab::advise {

Advice decide(const CurveProbe& probe, double margin) {
  Advice a;
  bool any_valid = false;
  for (std::size_t s = 1; s < probe.estimates.size(); ++s) any_valid = any_valid || probe.estimates[s].gain.n > 0;
  if (!any_valid) {
    a.confidence = "none";
    a.reason = "the probes failed: no candidate gave a finite learning curve (training diverged); no advice";
    return a;
  }
  double best_gain = 0.0;
  bool all_below = probe.estimates.size() > 1;
  for (std::size_t s = 1; s < probe.estimates.size(); ++s) {
    const experiment::Stat& g = probe.estimates[s].gain;
    // The gain is −100·NTG: its verdict is the NTG verdict of the negated interval.
    const bool above = g.n >= 2 && std::isfinite(g.ci_low) && g.ci_low > margin;
    all_below = all_below && g.n >= 2 && std::isfinite(g.ci_high) && g.ci_high < 0.0;
    if (above && g.mean > best_gain) {
      best_gain = g.mean;
      a.best = static_cast<int>(s);
    }
  }
  if (a.best > 0) {
    a.confidence = "high";
    a.reason = fmt::format("{} is predicted to gain {:+.2f} points at the full budget, 95% CI above {:g}",
                           probe.estimates[static_cast<std::size_t>(a.best)].strategy.name, best_gain, margin);
  } else if (all_below) {
    a.confidence = "high";
    a.reason = "every transfer strategy is predicted to lose against scratch (95% CIs below 0)";
  } else {
    a.confidence = "low";
    a.reason = "no transfer strategy is predicted to gain significantly; scratch is the safe choice";
  }
  return a;
}

}  // namespace ptlab::advise
