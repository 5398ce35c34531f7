#pragma once
// The advice benchmark (docs/advice.md): for each task pair drawn from the prior, the probes
// (what `ptlab advise` sees) and the ground truth (the full paired runs of `ptlab run` for every
// candidate, on the same seeds), then metrics on the development and held-out parts.
#include <functional>
#include <string>
#include <vector>

#include "ptlab/advise/bench_config.hpp"
#include "ptlab/advise/curve_probe.hpp"
#include "ptlab/experiment/stats.hpp"

namespace ptlab::advise {

struct PairOutcome {
  BenchPair pair;
  CurveProbe probe;                     ///< the candidates' predicted gains (scratch first)
  int pair_strategy = 0;                ///< index of the pair's own α (random filter rule) in probe.estimates
  std::vector<experiment::Stat> truth;  ///< per candidate: true gain in points (−100·NTG), over the seeds
  /// Per transferability score: its upstream − fresh and upstream − norm-matched differences
  /// (means over seeds; NaN when the score could not be computed for this pair).
  std::vector<std::string> score_names;
  std::vector<double> score_minus_fresh, score_minus_norm_matched;
  double cost = 0.0;          ///< probe work / one full paired run's work (CurveProbe's unit)
  double probe_s = 0.0, truth_s = 0.0;  ///< wall seconds
};

/// Runs pairs [first, last) of the benchmark, `threads` pairs at a time (0: all cores), calling
/// `progress(done, total)` after each. Each pair shares its upstream phases between its probes,
/// scores and ground truth (bit-identical to recomputing).
std::vector<PairOutcome> run_bench(const BenchConfig& config, int first, int last, int threads,
                                   const std::function<void(int, int)>& progress = {});

}  // namespace ptlab::advise
