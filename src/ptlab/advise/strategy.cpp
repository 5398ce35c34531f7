#include "ptlab/advise/strategy.hpp"

#include <fmt/format.h>

namespace ptlab::advise {

bool is_plain_alpha(const Strategy& s, double alpha) {
  return !s.scratch && s.transfer.rule == transfer::Rule::filter && s.transfer.alpha == alpha && s.l2sp == 0.0 &&
         s.transfer.shrink == 1.0 && s.transfer.perturb == 0.0;
}

std::vector<Strategy> theory_strategies(const std::vector<double>& alphas, double tau, bool freeze,
                                        const ExtraStrategies& extra) {
  std::vector<Strategy> out{{"scratch", true, {}}};
  const char* how = freeze ? " frozen" : "";
  for (const double a : alphas)
    out.push_back({fmt::format("alpha={:g} random{}", a, how), false,
                   {.rule = transfer::Rule::filter, .alpha = a, .freeze = freeze}});
  out.push_back({fmt::format("activation tau={:g}{}", tau, how), false,
                 {.rule = transfer::Rule::activation, .freeze = freeze, .tau = tau}});
  // Shrinking frozen weights or anchoring them would change nothing useful: these two fine-tune.
  if (extra.shrink > 0.0)
    out.push_back({fmt::format("shrink-perturb {:g}/{:g}", extra.shrink, extra.perturb), false,
                   {.rule = transfer::Rule::layer, .alpha = 1.0, .shrink = extra.shrink, .perturb = extra.perturb}});
  if (extra.l2sp > 0.0)
    out.push_back({fmt::format("L2-SP lambda={:g}", extra.l2sp), false, {.rule = transfer::Rule::layer, .alpha = 1.0},
                   extra.l2sp});
  return out;
}

}  // namespace ptlab::advise
