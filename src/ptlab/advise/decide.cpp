#include "ptlab/advise/decide.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace ptlab::advise {

Advice decide(const CurveProbe& probe, const DecisionRule& rule) {
  Advice a;
  bool any_valid = false;
  for (std::size_t s = 1; s < probe.estimates.size(); ++s) any_valid = any_valid || probe.estimates[s].gain.n > 0;
  if (!any_valid) {
    a.confidence = "none";
    a.reason = "the probes failed: no candidate gave a finite learning curve (training diverged); no advice";
    return a;
  }
  double best_gain = -std::numeric_limits<double>::infinity();
  bool all_below = probe.estimates.size() > 1;
  for (std::size_t s = 1; s < probe.estimates.size(); ++s) {
    const experiment::Stat& g = probe.estimates[s].gain;
    const bool valid = g.n >= 2 && std::isfinite(g.mean) && std::isfinite(g.std);
    const double bound =
        valid ? g.mean - (rule.level > 0.5 ? experiment::student_t_quantile(rule.level, g.n - 1) : 0.0) * g.std /
                             std::sqrt(static_cast<double>(g.n))
              : -std::numeric_limits<double>::infinity();
    all_below = all_below && g.n >= 2 && std::isfinite(g.ci_high) && g.ci_high < 0.0;
    if (valid && bound > rule.margin && g.mean > best_gain) {
      best_gain = g.mean;
      a.best = static_cast<int>(s);
    }
  }
  if (a.best > 0) {
    const experiment::Stat& g = probe.estimates[static_cast<std::size_t>(a.best)].gain;
    a.confidence = g.ci_low > 0.0 ? "high" : "low";
    a.reason = fmt::format("{} is predicted to gain {:+.2f} points at the full budget; its {:g}% lower bound exceeds "
                           "{:g} points{}",
                           probe.estimates[static_cast<std::size_t>(a.best)].strategy.name, best_gain,
                           100.0 * rule.level, rule.margin, g.ci_low > 0.0 ? " (95% CI above 0)" : " (95% CI contains 0)");
  } else if (all_below) {
    a.confidence = "high";
    a.reason = "every transfer strategy is predicted to lose against scratch (95% CIs below 0)";
  } else {
    a.confidence = "low";
    a.reason = fmt::format("no transfer strategy's {:g}% lower bound exceeds {:g} points; scratch is the safe choice",
                           100.0 * rule.level, rule.margin);
  }
  return a;
}

}  // namespace ptlab::advise
