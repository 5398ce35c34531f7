#pragma once
// The activation probe (the seed paper's authors' suggestion, in its reviews): inherit the upstream
// filters that are active on at least a fraction τ of the downstream training samples. It reads
// only the upstream weights and the downstream training inputs (never labels or the test set).
#include <Eigen/Dense>
#include <vector>

#include "ptlab/data/task.hpp"
#include "ptlab/model/cnn.hpp"

namespace ptlab::advise {

struct ActivationProbe {
  double tau = 0.5;              ///< the threshold, in (0, 1]
  int n = 0;                     ///< downstream training samples read
  Eigen::VectorXi active_counts; ///< 2m: samples on which each filter is active
  std::vector<int> selected;     ///< filters active on ≥ τ·n samples (transfer rule "activation")
  double implied_alpha = 0.0;    ///< |selected| / 2m: the share of filters the rule would inherit
};

/// Runs the probe on the upstream weights (2m × d) and the downstream training set. The selected
/// set is exactly what transfer rule "activation" with this τ inherits (transfer::active_filters).
/// Throws core::InputError for τ outside (0, 1] or an empty training set.
ActivationProbe activation_probe(const model::Weights& upstream, const data::Dataset& train, double tau);

}  // namespace ptlab::advise
