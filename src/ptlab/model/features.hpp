#pragma once
// Hidden features of the theory CNN, the input of transferability scores (score/) and of the
// activation probe (advise/).
#include <Eigen/Dense>

#include "ptlab/data/task.hpp"
#include "ptlab/model/cnn.hpp"

namespace ptlab::model {

/// The hidden activation of every filter summed over patches,
///   H(i, j) = Σ_p σ(⟨w_j, x_i⁽ᵖ⁾⟩),  i < n samples, j < 2m filters (W's row order),
/// so that f(W, x_i) = (1/m)(Σ_{j<m} H(i, j) − Σ_{j≥m} H(i, j)) (model/cnn.hpp). Returns n × 2m.
Eigen::MatrixXd hidden_features(const ModelOptions& options, const Weights& W, const data::Dataset& data);

/// The number of samples on which each filter is active, i.e. ⟨w_j, x_i⁽ᵖ⁾⟩ > 0 for at least
/// one patch p (for ReLU, H(i, j) > 0). Returns 2m counts in [0, n].
Eigen::VectorXi active_counts(const Weights& W, const data::Dataset& data);

}  // namespace ptlab::model
