#include "ptlab/advise/advise.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "ptlab/core/error.hpp"
#include "ptlab/advise/practitioner.hpp"
#include "ptlab/experiment/run.hpp"

namespace ptlab::advise {

AdviceResult advise_theory(const experiment::ExperimentSpec& spec, const AdviseOptions& options,
                           const std::function<void(int, int)>& progress, experiment::UpstreamCache* cache) {
  PTLAB_CHECK(options.tau > 0.0 && options.tau <= 1.0,
              fmt::format("advise: tau = {}; expected a number in (0, 1]", options.tau));
  for (const double a : options.alphas)
    PTLAB_CHECK(a > 0.0 && a <= 1.0, fmt::format("advise: alpha = {}; expected a number in (0, 1]", a));
  const ExtraStrategies& x = options.extra;
  PTLAB_CHECK(x.shrink >= 0.0 && x.shrink <= 1.0 && x.perturb >= 0.0 && x.perturb <= 1e6 && x.l2sp >= 0.0 && x.l2sp <= 1e6,
              fmt::format("advise: shrink = {}, perturb = {}, l2sp = {}; expected shrink in [0, 1] (0 leaves the "
                          "candidate out), perturb in [0, 1e6] and l2sp in [0, 1e6] (0 leaves it out)",
                          x.shrink, x.perturb, x.l2sp));
  // Its probes train upstream and transfer phases: refuse a bias before any work.
  if (spec.model.bias) throw core::InputError(experiment::kBiasInTransferPhases);
  // The probe holds one seed at a time: refuse sizes that cannot fit before allocating.
  experiment::check_memory(spec, 1);
  PTLAB_CHECK(options.rule.level >= 0.5 && options.rule.level < 1.0 && std::isfinite(options.rule.margin),
              fmt::format("advise: level = {}, margin = {}; expected a level in [0.5, 1) and a finite margin in points",
                          options.rule.level, options.rule.margin));
  const auto start = std::chrono::steady_clock::now();
  AdviceResult r;
  r.options = options;
  r.probe = curve_probe(spec, theory_strategies(options.alphas, options.tau, spec.transfer.freeze, options.extra), options.curve,
                        progress, cache);
  // The activation probe on the first seed: the same upstream and training set as the curve probe.
  const PractitionerView view = practitioner_view(spec, spec.seed, cache);
  r.activation = activation_probe(view.upstream, view.train, options.tau);
  r.advice = decide(r.probe, options.rule);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace ptlab::advise
