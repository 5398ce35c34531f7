#pragma once
// Which basis a run draws its random vectors in (data.sampling; docs/design.md §2.6), and the
// coordinates of each of its sets of vectors.
//
// Bartlett order of the model vectors of one seed: upstream initial filters (2m), upstream
// training noise (n1), downstream initial filters (2m), downstream training noise (n2);
// N₀ = 4m + n1 + n2. The upstream phase lives in 3 + 2m + n1 coordinates, independent of every
// downstream key, so runs that differ downstream still share it (experiment/upstream_cache.hpp);
// its weights are padded with zeros to the 3 + N₀ coordinates of the downstream phase. A
// scratch-only run (run_scratch) has its own, shorter order: downstream filters, then noise.
#include <string>

#include "ptlab/data/basis.hpp"
#include "ptlab/experiment/spec.hpp"

namespace ptlab::experiment {

/// The number of model vectors N₀: 4m + n1 + n2, or 2m + n2 for a scratch-only run.
long long model_vectors(const ExperimentSpec& spec, bool scratch_only = false);

/// Why reduced sampling cannot run `spec` exactly, as the end of a one-line message, or empty:
/// d − 3 < N₀ (the Bartlett decomposition needs a direction of C per model vector) or the entry
/// transfer rule (it copies coordinates of the standard basis, a choice the reduced basis does not
/// keep: the law of the result is not rotation invariant).
std::string reduced_invalid_reason(const ExperimentSpec& spec, bool scratch_only = false);

/// data.sampling resolved: direct stays direct; reduced is checked (core::InputError naming the
/// reason and what to use instead); auto is reduced where valid and narrower than d, else direct.
data::Sampling resolve_sampling(const ExperimentSpec& spec, bool scratch_only = false);

/// The coordinates of every set of vectors of one seed under the resolved sampling.
struct SeedBases {
  data::Sampling sampling = data::Sampling::direct;
  int up_width = 0, down_width = 0;  ///< vector lengths of the upstream and downstream phases
  data::Basis up_init, up_train, up_test;
  data::Basis down_init, down_train, down_test;
};
SeedBases seed_bases(const ExperimentSpec& spec, bool scratch_only = false);

}  // namespace ptlab::experiment
