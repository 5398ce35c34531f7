#include "ptlab/advise/practitioner.hpp"

#include "ptlab/experiment/run.hpp"

namespace ptlab::advise {

PractitionerView practitioner_view(const experiment::ExperimentSpec& spec, std::uint64_t seed,
                                   experiment::UpstreamCache* cache) {
  core::Rng train_rng = core::Rng::stream(seed, core::Stream::downstream_train);
  core::Rng init_rng = core::Rng::stream(seed, core::Stream::downstream_init);
  const data::Signals s2 = data::make_signals(spec.frame, spec.downstream, 2);
  PractitionerView v;
  v.upstream = cache != nullptr
                   ? cache->get(spec, seed, [&] { return experiment::run_upstream(spec, seed); })->W
                   : experiment::run_upstream(spec, seed).W;
  v.train = data::sample(spec.frame, spec.downstream, s2, spec.downstream.n, train_rng);
  v.fresh = model::init_weights(spec.model, spec.frame.d, init_rng);
  return v;
}

}  // namespace ptlab::advise
