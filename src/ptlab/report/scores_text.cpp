#include "ptlab/report/scores_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace ptlab::report {
namespace {

std::string diff(const experiment::Stat& s) {
  if (!std::isfinite(s.ci_low)) return fmt::format("{:+.4g} (1 seed)", s.mean);
  return fmt::format("{:+.4g} [{:+.4g}, {:+.4g}]", s.mean, s.ci_low, s.ci_high);
}

}  // namespace

std::string scores_text(const std::vector<advise::ScoreSummary>& scores, int seeds, const std::string& title,
                        ScoredFeatures features) {
  const bool deep = features == ScoredFeatures::deep;
  std::string out = fmt::format("{}  ({} seeds; features: {}, on the downstream training set)\n\n", title, seeds,
                                deep ? "the penultimate features of each net (what its head reads)"
                                     : "hidden activations per filter, summed over patches");
  out += fmt::format("  {:<18} {:>11} {:>11} {:>13} {:>32} {:>32}\n", "score", "upstream", "fresh", "norm-matched",
                     "upstream - fresh, 95% CI", "upstream - norm-matched, 95% CI");
  for (const auto& s : scores)
    out += fmt::format("  {:<18} {:>11.4g} {:>11.4g} {:>13.4g} {:>32} {:>32}\n", s.name, s.value[0].mean,
                       s.value[1].mean, s.value[2].mean, diff(s.minus_fresh), diff(s.minus_norm_matched));
  out += deep ? "\n  fresh = a freshly initialised net of the same architecture; norm-matched = its parameter tensors\n"
               "  rescaled to the upstream tensors' norms (Raghu et al. 2019). A score informs transfer only through\n"
               "  its differences; docs/scores.md gives each formula and its source.\n"
             : "\n  fresh = the downstream model's fresh initialisation; norm-matched = fresh directions rescaled to the\n"
               "  upstream filters' norms (Raghu et al. 2019). A score informs transfer only through its differences;\n"
               "  docs/scores.md gives each formula and its source.\n";
  return out;
}

}  // namespace ptlab::report
