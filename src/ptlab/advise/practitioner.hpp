#pragma once
// What a practitioner has for one seed, and all a probe may read: the trained upstream weights,
// the downstream training set (observed labels) and a fresh initialisation, drawn exactly as
// `ptlab run` draws them (same streams). Never the downstream test set.
#include <cstdint>

#include "ptlab/data/task.hpp"
#include "ptlab/experiment/spec.hpp"
#include "ptlab/experiment/upstream_cache.hpp"
#include "ptlab/model/cnn.hpp"

namespace ptlab::advise {

struct PractitionerView {
  model::Weights upstream;  ///< trained upstream weights, 2m × d (reduced sampling: 2m × (3 + N₀))
  data::Dataset train;      ///< the n2 downstream training samples
  model::Weights fresh;     ///< the downstream fresh initialisation, same shape
};

/// The view of seed `seed` of `spec` (trains its upstream, or takes it from `cache`).
PractitionerView practitioner_view(const experiment::ExperimentSpec& spec, std::uint64_t seed,
                                   experiment::UpstreamCache* cache = nullptr);

}  // namespace ptlab::advise
