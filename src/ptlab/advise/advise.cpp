#include "ptlab/advise/advise.hpp"

#include <fmt/format.h>

#include <chrono>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/run.hpp"

namespace ptlab::advise {

AdviceResult advise_theory(const experiment::ExperimentSpec& spec, const AdviseOptions& options,
                           const std::function<void(int, int)>& progress) {
  PTLAB_CHECK(options.tau > 0.0 && options.tau <= 1.0,
              fmt::format("advise: tau = {}; expected a number in (0, 1]", options.tau));
  for (const double a : options.alphas)
    PTLAB_CHECK(a > 0.0 && a <= 1.0, fmt::format("advise: alpha = {}; expected a number in (0, 1]", a));
  const auto start = std::chrono::steady_clock::now();
  AdviceResult r;
  r.options = options;
  r.probe = curve_probe(spec, theory_strategies(options.alphas, options.tau, spec.transfer.freeze), options.curve,
                        progress);
  // The activation probe on the first seed: the same upstream and training set as the curve probe.
  const experiment::UpstreamOutcome up = experiment::run_upstream(spec, spec.seed);
  core::Rng train_rng = core::Rng::stream(spec.seed, core::Stream::downstream_train);
  const data::Dataset train = data::sample(spec.frame, spec.downstream, data::make_signals(spec.frame, spec.downstream, 2),
                                           spec.downstream.n, train_rng);
  r.activation = activation_probe(up.W, train, options.tau);
  r.advice = decide(r.probe);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace ptlab::advise
