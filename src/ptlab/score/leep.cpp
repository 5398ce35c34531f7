#include "ptlab/score/leep.hpp"

#include <fmt/format.h>

#include <cmath>

#include "ptlab/core/error.hpp"
#include "ptlab/score/detail/checks.hpp"

namespace ptlab::score {

namespace {

void check_probabilities(const Eigen::Ref<const Eigen::MatrixXd>& theta) {
  for (Eigen::Index i = 0; i < theta.rows(); ++i) {
    Eigen::Index z = 0;
    const double lowest = theta.row(i).minCoeff(&z);
    PTLAB_CHECK(lowest >= 0.0,
                fmt::format("leep: theta({}, {}) = {}: expected probabilities ≥ 0", i, z, lowest));
    const double sum = theta.row(i).sum();
    PTLAB_CHECK(
        std::abs(sum - 1.0) <= kProbabilityTolerance,
        fmt::format("leep: row {} of theta sums to {}: expected source-class probabilities summing to 1 "
                    "(± {})",
                    i,
                    sum,
                    kProbabilityTolerance));
  }
}

}  // namespace

double leep(const Eigen::Ref<const Eigen::MatrixXd>& theta, std::span<const int> y) {
  detail::check_features("leep", "theta", theta);
  const detail::Classes classes = detail::target_classes("leep", y, theta.rows());
  check_probabilities(theta);
  const Eigen::Index N = theta.rows(), Z = theta.cols();
  // Joint P̂(y, z), C × Z. The 1/N cancels in P̂(y | z) and is left out.
  Eigen::MatrixXd joint = Eigen::MatrixXd::Zero(classes.count(), Z);
  for (Eigen::Index i = 0; i < N; ++i) joint.row(classes.index[static_cast<std::size_t>(i)]) += theta.row(i);
  const Eigen::RowVectorXd marginal = joint.colwise().sum();
  // P̂(y | z); a source class without mass has θ_{i,z} = 0 for every i and contributes nothing.
  for (Eigen::Index z = 0; z < Z; ++z) {
    if (marginal(z) > 0.0)
      joint.col(z) /= marginal(z);
    else
      joint.col(z).setZero();
  }
  double total = 0.0;
  for (Eigen::Index i = 0; i < N; ++i) {
    // > 0: P̂(y_i, z) ≥ θ_{i,z}/N > 0 for each z that sample i gives mass to.
    const double eep = theta.row(i).dot(joint.row(classes.index[static_cast<std::size_t>(i)]));
    total += std::log(eep);
  }
  return total / static_cast<double>(N);
}

}  // namespace ptlab::score
