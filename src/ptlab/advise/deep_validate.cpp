// `ptlab advise --validate` for deep configs (advise/deep_advise.hpp).
#include <cmath>

#include "ptlab/advise/deep_advise.hpp"
#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::advise {

Validation validate_deep(const experiment::DeepSpec& spec, const DeepAdviceResult& advice,
                         const std::function<void(const std::string&)>& message) {
  const int seeds = advice.options.curve.seeds;
  experiment::DeepSpec base = spec;
  base.seeds = seeds;
  // Scratch is the reference (gain 0 by construction): only the transfer candidates run.
  std::vector<experiment::DeepSpec> candidates;
  std::vector<std::size_t> index;
  for (std::size_t s = 0; s < advice.candidates.size(); ++s)
    if (!advice.probe.estimates[s].strategy.scratch) {
      candidates.push_back(advice.candidates[s]);
      candidates.back().seeds = seeds;
      index.push_back(s);
    }
  const auto records = experiment::run_deep_candidates(
      base, candidates, {.checkpoints = advice.options.checkpoints, .message = message});
  Validation v;
  v.true_gain.assign(advice.candidates.size(), experiment::Stat{seeds, 0.0, 0.0, 0.0, 0.0});
  v.per_seed.assign(advice.candidates.size(), std::vector<double>(static_cast<std::size_t>(seeds), 0.0));
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    std::vector<double> gains, finite;
    for (const auto& r : records[c]) gains.push_back(r.gain());
    for (const double g : gains)
      if (std::isfinite(g)) finite.push_back(g);
    v.true_gain[index[c]] = experiment::summarize(finite);
    v.per_seed[index[c]] = std::move(gains);
  }
  for (std::size_t s = 0; s < v.true_gain.size(); ++s)
    if (v.true_gain[s].mean > v.true_gain[static_cast<std::size_t>(v.best_in_hindsight)].mean)
      v.best_in_hindsight = static_cast<int>(s);
  v.regret = v.true_gain[static_cast<std::size_t>(v.best_in_hindsight)].mean -
             v.true_gain[static_cast<std::size_t>(advice.advice.best)].mean;
  return v;
}

}  // namespace ptlab::advise
