#include "ptlab/score/knn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "ptlab/core/error.hpp"
#include "ptlab/score/detail/checks.hpp"

namespace ptlab::score {

double knn_accuracy(const Eigen::Ref<const Eigen::MatrixXd>& F,
                    std::span<const int> y,
                    const KnnOptions& options) {
  detail::check_features("knn_accuracy", "features", F);
  const detail::Classes classes = detail::target_classes("knn_accuracy", y, F.rows());
  const Eigen::Index N = F.rows();
  PTLAB_CHECK(
      options.k >= 1 && options.k < N,
      fmt::format("knn_accuracy: k = {} with {} samples: expected 1 ≤ k < N (the sample itself is left out)",
                  options.k,
                  N));
  const auto k = static_cast<std::size_t>(options.k);
  // Samples as contiguous columns. Each distance is summed over the features in index order by a
  // plain loop (not through ‖a‖² + ‖b‖² − 2aᵀb, nor a vectorised reduction, whose rounding depends
  // on blocking and on where the column sits in memory), so d(i, j) = d(j, i) bit for bit and a
  // permutation of the samples permutes the distances exactly: ties stay ties. Computed per row,
  // not stored: O(N) memory for any N.
  const Eigen::MatrixXd X = F.transpose();
  const Eigen::Index D = X.rows();
  const auto distance = [&X, D](Eigen::Index a, Eigen::Index b) {
    const double* xa = X.col(a).data();
    const double* xb = X.col(b).data();
    double sum = 0.0;
    for (Eigen::Index t = 0; t < D; ++t) sum += (xa[t] - xb[t]) * (xa[t] - xb[t]);
    return sum;
  };

  std::vector<std::pair<double, int>> candidates;  // (squared distance, class index)
  std::vector<int> votes(static_cast<std::size_t>(classes.count()));
  Eigen::Index correct = 0;
  for (Eigen::Index i = 0; i < N; ++i) {
    candidates.clear();
    for (Eigen::Index j = 0; j < N; ++j)
      if (j != i) candidates.emplace_back(distance(i, j), classes.index[static_cast<std::size_t>(j)]);
    // Class indices are ordered as the labels, so pair ordering is (distance, label).
    std::partial_sort(
        candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k), candidates.end());
    std::fill(votes.begin(), votes.end(), 0);
    for (std::size_t r = 0; r < k; ++r) ++votes[static_cast<std::size_t>(candidates[r].second)];
    const int most = *std::max_element(votes.begin(), votes.end());
    // The first neighbour, in rank order, whose class has the most votes decides.
    int predicted = -1;
    for (std::size_t r = 0; r < k && predicted < 0; ++r)
      if (votes[static_cast<std::size_t>(candidates[r].second)] == most) predicted = candidates[r].second;
    if (predicted == classes.index[static_cast<std::size_t>(i)]) ++correct;
  }
  return static_cast<double>(correct) / static_cast<double>(N);
}

}  // namespace ptlab::score
