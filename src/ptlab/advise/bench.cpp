#include "ptlab/advise/bench.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "ptlab/advise/advise.hpp"
#include "ptlab/advise/feature_scores.hpp"
#include "ptlab/advise/validate.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/detail/parallel.hpp"
#include "ptlab/experiment/run.hpp"
#include "ptlab/experiment/upstream_cache.hpp"

namespace ptlab::advise {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

PairOutcome run_pair(const BenchConfig& config, int index) {
  PairOutcome out;
  out.pair = draw_pair(config, index);
  const experiment::ExperimentSpec& spec = out.pair.spec;
  experiment::UpstreamCache cache;
  auto t0 = std::chrono::steady_clock::now();
  const AdviceResult advice = advise_theory(spec, config.advise, {}, &cache);
  out.probe_s = seconds_since(t0);
  out.probe = advice.probe;
  out.cost = advice.probe.probe_cost / advice.probe.full_run_cost;
  for (std::size_t s = 0; s < out.probe.estimates.size(); ++s)
    if (is_plain_alpha(out.probe.estimates[s].strategy, spec.transfer.alpha)) out.pair_strategy = static_cast<int>(s);
  PTLAB_ASSERT_MSG(out.pair_strategy > 0, "the pair's alpha is one of the candidates (checked by the config)");
  t0 = std::chrono::steady_clock::now();
  out.truth = validate(spec, advice, 1, &cache).true_gain;
  out.truth_s = seconds_since(t0);
  // The scores on the same seeds; a pair whose features a score cannot take (labels of one class
  // in some seed, diverged features) keeps NaN for every score, and the metrics skip it.
  try {
    for (const ScoreSummary& s : feature_scores(spec, config.seeds, &cache)) {
      out.score_names.push_back(s.name);
      out.score_minus_fresh.push_back(s.minus_fresh.mean);
      out.score_minus_norm_matched.push_back(s.minus_norm_matched.mean);
    }
  } catch (const core::InputError&) {
    for (const char* name : {"LogME", "LEEP", "NCE", "H-score", "shrinkage H-score", "k-NN accuracy", "SFDA"}) {
      out.score_names.emplace_back(name);
      out.score_minus_fresh.push_back(std::numeric_limits<double>::quiet_NaN());
      out.score_minus_norm_matched.push_back(std::numeric_limits<double>::quiet_NaN());
    }
  }
  return out;
}

}  // namespace

std::vector<PairOutcome> run_bench(const BenchConfig& config, int first, int last, int threads,
                                   const std::function<void(int, int)>& progress) {
  PTLAB_CHECK(first >= 0 && first <= last && last <= config.pairs,
              fmt::format("advise-bench: pairs [{}, {}) are not within the benchmark's {} pairs", first, last,
                          config.pairs));
  const int n = last - first;
  const int workers = experiment::detail::resolve_threads(threads, n);
  // Every pair's sizes are checked before any work, so a prior that draws an impossible pair
  // fails at once, naming it.
  for (int i = first; i < last; ++i) {
    try {
      experiment::check_memory(draw_pair(config, i).spec, workers);
    } catch (const core::InputError& e) {
      throw core::InputError(fmt::format("advise-bench: pair {}: {}", i, e.what()));
    }
  }
  std::vector<PairOutcome> out(static_cast<std::size_t>(n));
  int done = 0;
  experiment::detail::parallel_for(
      n, workers,
      [&](int i) { out[static_cast<std::size_t>(i)] = run_pair(config, first + i); },
      [&](int) {
        if (progress) progress(++done, n);
      });
  return out;
}

}  // namespace ptlab::advise
