#pragma once
// Leave-one-out k-NN accuracy (see score.hpp for the data layout and the input checks every score
// makes).
#include <Eigen/Dense>
#include <span>

namespace ptlab::score {

struct KnnOptions {
  /// Neighbours per vote, 1 ≤ k < N. 5 is our default (odd, so two-class votes cannot tie; small
  /// enough for classes of a few dozen samples); the paper's own k is not reproduced here.
  int k = 5;
};

/// Leave-one-out k-nearest-neighbour accuracy of the features: the fraction of samples whose
/// label equals the majority label of their k nearest other samples (in [0, 1]).
///
/// Euclidean distance; the sample itself is never its own neighbour (a duplicate of it is). Ties
/// are broken deterministically and without reference to the sample order, so the score is
/// invariant to a permutation of the samples:
///  - neighbours are ranked by (squared distance, label): at equal distance the smaller label
///    comes first, so it is kept when the k-th place is tied;
///  - a tied vote goes to the tied class that appears first in that ranking (the class of the
///    nearest neighbour among the tied classes; equal distance: the smaller label).
/// Unweighted majority vote, no feature normalisation. Exact: O(N²·D) distance computations.
///
/// @param F N × D features.
/// @param y N target labels.
/// @param options see KnnOptions.
/// @throws core::InputError the checks of score.hpp, or k < 1 or k ≥ N.
///
/// Source: Sorkhei et al. 2025, "k-NN as a simple and effective estimator of transferability"
/// (arXiv 2503.18528): k-NN accuracy on the target features as the transferability estimate.
/// Their protocol fits on a training split and evaluates on a test split (as in self-supervised
/// k-NN evaluation); this is its leave-one-out form on one labelled set.
double knn_accuracy(const Eigen::Ref<const Eigen::MatrixXd>& F,
                    std::span<const int> y,
                    const KnnOptions& options = {});

}  // namespace ptlab::score
