#include "ptlab/advise/validate.hpp"

#include <cmath>

namespace ptlab::advise {

Validation validate(const experiment::ExperimentSpec& spec, const AdviceResult& advice, int threads,
                    experiment::UpstreamCache* cache) {
  Validation v;
  const int seeds = advice.options.curve.seeds;
  for (const StrategyEstimate& e : advice.probe.estimates) {
    std::vector<double> gains;
    if (e.strategy.scratch) {
      gains.assign(static_cast<std::size_t>(seeds), 0.0);
    } else {
      experiment::ExperimentSpec s = spec;
      s.transfer = e.strategy.transfer;
      s.downstream_train.l2sp = e.strategy.l2sp;
      s.seeds = seeds;
      const experiment::ExperimentResult r = experiment::run_experiment(s, {.threads = threads, .cache = cache});
      for (const auto& rec : r.records) gains.push_back(-100.0 * rec.ntg);  // NaN for a diverged seed
    }
    std::vector<double> finite;
    for (const double g : gains)
      if (std::isfinite(g)) finite.push_back(g);
    v.true_gain.push_back(e.strategy.scratch ? experiment::Stat{seeds, 0.0, 0.0, 0.0, 0.0} : experiment::summarize(finite));
    v.per_seed.push_back(std::move(gains));
  }
  for (std::size_t s = 0; s < v.true_gain.size(); ++s)
    if (v.true_gain[s].mean > v.true_gain[static_cast<std::size_t>(v.best_in_hindsight)].mean)
      v.best_in_hindsight = static_cast<int>(s);
  v.regret = v.true_gain[static_cast<std::size_t>(v.best_in_hindsight)].mean -
             v.true_gain[static_cast<std::size_t>(advice.advice.best)].mean;
  return v;
}

}  // namespace ptlab::advise
