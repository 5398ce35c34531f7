#include "ptlab/advise/practitioner.hpp"

#include "ptlab/experiment/run.hpp"

namespace ptlab::advise {

PractitionerView practitioner_view(const experiment::ExperimentSpec& spec, std::uint64_t seed,
                                   experiment::UpstreamCache* cache) {
  const model::Weights upstream = cache != nullptr
                                      ? cache->get(spec, seed, [&] { return experiment::run_upstream(spec, seed); })->W
                                      : experiment::run_upstream(spec, seed).W;
  experiment::DownstreamStart start = experiment::downstream_start(spec, seed, upstream);
  return PractitionerView{std::move(start.upstream), std::move(start.train), std::move(start.fresh)};
}

}  // namespace ptlab::advise
