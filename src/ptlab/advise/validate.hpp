#pragma once
// `ptlab advise --validate`: after the advice is fixed, the full paired experiments of every
// candidate (the runs of `ptlab run`, same seeds), scored on the downstream test set.
#include <vector>

#include "ptlab/advise/advise.hpp"
#include "ptlab/experiment/run.hpp"

namespace ptlab::advise {

struct Validation {
  /// Per strategy (probe order; scratch first): the true gain 100·(err_scratch − err_transfer) on
  /// the test set with true labels, = −100·NTG, per seed and summarised.
  std::vector<experiment::Stat> true_gain;
  std::vector<std::vector<double>> per_seed;  ///< per strategy, per seed (scratch: zeros)
  int best_in_hindsight = 0;                  ///< the strategy of largest mean true gain (0 = scratch)
  double regret = 0.0;  ///< points lost by the advice against the best in hindsight (≥ 0)
};

/// Runs experiment::run_experiment for each transfer strategy of `advice` on spec's seeds
/// spec.seed .. + advice.options.curve.seeds − 1 (the probe's seeds), with `threads` workers. The
/// records are those of `ptlab run` with the strategy's [transfer] settings, bit for bit.
/// `cache` shares the upstream phases with the probes (bit-identical records).
Validation validate(const experiment::ExperimentSpec& spec, const AdviceResult& advice, int threads = 0,
                    experiment::UpstreamCache* cache = nullptr);

}  // namespace ptlab::advise
