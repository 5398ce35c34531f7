#include "ptlab/advise/advise.hpp"

#include <fmt/format.h>

#include <chrono>

#include "ptlab/core/error.hpp"
#include "ptlab/advise/practitioner.hpp"

namespace ptlab::advise {

AdviceResult advise_theory(const experiment::ExperimentSpec& spec, const AdviseOptions& options,
                           const std::function<void(int, int)>& progress, experiment::UpstreamCache* cache) {
  PTLAB_CHECK(options.tau > 0.0 && options.tau <= 1.0,
              fmt::format("advise: tau = {}; expected a number in (0, 1]", options.tau));
  for (const double a : options.alphas)
    PTLAB_CHECK(a > 0.0 && a <= 1.0, fmt::format("advise: alpha = {}; expected a number in (0, 1]", a));
  PTLAB_CHECK(options.extra.shrink <= 1.0 && options.extra.perturb >= 0.0 && options.extra.l2sp >= 0.0,
              fmt::format("advise: shrink = {}, perturb = {}, l2sp = {}; expected shrink in [0, 1] (≤ 0 leaves the "
                          "candidate out), perturb ≥ 0 and l2sp ≥ 0 (0 leaves it out)",
                          options.extra.shrink, options.extra.perturb, options.extra.l2sp));
  const auto start = std::chrono::steady_clock::now();
  AdviceResult r;
  r.options = options;
  r.probe = curve_probe(spec, theory_strategies(options.alphas, options.tau, spec.transfer.freeze, options.extra), options.curve,
                        progress, cache);
  // The activation probe on the first seed: the same upstream and training set as the curve probe.
  const PractitionerView view = practitioner_view(spec, spec.seed, cache);
  r.activation = activation_probe(view.upstream, view.train, options.tau);
  r.advice = decide(r.probe, options.margin);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace ptlab::advise
