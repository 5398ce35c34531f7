#include "ptlab/advise/strategy.hpp"

#include <fmt/format.h>

namespace ptlab::advise {

std::vector<Strategy> theory_strategies(const std::vector<double>& alphas, double tau, bool freeze) {
  std::vector<Strategy> out{{"scratch", true, {}}};
  const char* how = freeze ? " frozen" : "";
  for (const double a : alphas)
    out.push_back({fmt::format("alpha={:g} random{}", a, how), false,
                   {.rule = transfer::Rule::filter, .alpha = a, .freeze = freeze}});
  out.push_back({fmt::format("activation tau={:g}{}", tau, how), false,
                 {.rule = transfer::Rule::activation, .freeze = freeze, .tau = tau}});
  return out;
}

}  // namespace ptlab::advise
