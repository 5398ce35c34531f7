#pragma once
// Controls that separate feature reuse from a weight-scale effect, for the theory CNN.
#include "ptlab/model/cnn.hpp"

namespace ptlab::transfer {

/// The norm-matched random control (Raghu et al., "Transfusion", NeurIPS 2019): each fresh
/// filter (row of `fresh`) rescaled to the Euclidean norm of the same row of `reference` (the
/// upstream weights): directions random, per-filter scale inherited. A fresh row of norm 0 stays
/// 0. Both 2m × d; returns 2m × d.
model::Weights norm_matched(const model::Weights& fresh, const model::Weights& reference);

/// Shrink and perturb (Ash & Adams, NeurIPS 2020, §4): λ·inherited + noise_scale·fresh, where
/// fresh is a N(0, σ₀²) draw. λ ∈ [0, 1] shrinks the inherited weights; noise_scale ≥ 0 adds a
/// scaled fresh initialisation. Both 2m × d; returns 2m × d.
model::Weights shrink_perturb(const model::Weights& inherited, const model::Weights& fresh, double lambda,
                              double noise_scale);

}  // namespace ptlab::transfer
