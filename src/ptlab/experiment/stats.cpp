#include "ptlab/experiment/stats.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

namespace ptlab::experiment {

double student_t_quantile(double probability, double dof) {
  return boost::math::quantile(boost::math::students_t_distribution<double>(dof), probability);
}

Stat summarize(const std::vector<double>& values) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  Stat s;
  s.n = static_cast<int>(values.size());
  if (s.n == 0) return {0, nan, nan, nan, nan};
  double sum = 0.0;
  for (const double v : values) sum += v;
  s.mean = sum / s.n;
  if (s.n < 2) {
    s.std = s.ci_low = s.ci_high = nan;
    return s;
  }
  double ss = 0.0;
  for (const double v : values) ss += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(ss / (s.n - 1));
  const double half = student_t_quantile(0.975, s.n - 1) * s.std / std::sqrt(static_cast<double>(s.n));
  s.ci_low = s.mean - half;
  s.ci_high = s.mean + half;
  return s;
}

Verdict ntg_verdict(const Stat& ntg) {
  if (ntg.n < 2 || !std::isfinite(ntg.ci_low) || !std::isfinite(ntg.ci_high)) return Verdict::undetermined;
  if (ntg.ci_high < 0) return Verdict::helps;
  if (ntg.ci_low > 0) return Verdict::hurts;
  return Verdict::not_significant;
}

const char* verdict_short(Verdict v) {
  switch (v) {
    case Verdict::helps: return "helps";
    case Verdict::hurts: return "hurts";
    case Verdict::not_significant: return "n.s.";
    case Verdict::undetermined: break;
  }
  return "?";
}

const char* verdict_text(Verdict v) {
  switch (v) {
    case Verdict::helps: return "positive transfer";
    case Verdict::hurts: return "negative transfer";
    case Verdict::not_significant: return "no significant difference";
    case Verdict::undetermined: break;
  }
  return "undetermined (fewer than 2 valid seeds)";
}

}  // namespace ptlab::experiment
