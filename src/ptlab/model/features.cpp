#include "ptlab/model/features.hpp"

#include "ptlab/core/error.hpp"

namespace ptlab::model {

Eigen::MatrixXd hidden_features(const ModelOptions& options, const Weights& W, const data::Dataset& data) {
  PTLAB_ASSERT(W.cols() == data.X.rows());
  const Eigen::MatrixXd A = W * data.X;  // 2m × (n·P) pre-activations
  const int n = data.n(), P = data.P;
  Eigen::MatrixXd H = Eigen::MatrixXd::Zero(n, W.rows());
  for (int i = 0; i < n; ++i)
    for (int p = 0; p < P; ++p)
      for (Eigen::Index j = 0; j < W.rows(); ++j) H(i, j) += activate(options, A(j, static_cast<Eigen::Index>(i) * P + p));
  return H;
}

Eigen::VectorXi active_counts(const Weights& W, const data::Dataset& data) {
  PTLAB_ASSERT(W.cols() == data.X.rows());
  const Eigen::MatrixXd A = W * data.X;
  const int n = data.n(), P = data.P;
  Eigen::VectorXi count = Eigen::VectorXi::Zero(W.rows());
  for (Eigen::Index j = 0; j < W.rows(); ++j)
    for (int i = 0; i < n; ++i) {
      bool any = false;
      for (int p = 0; p < P && !any; ++p) any = A(j, static_cast<Eigen::Index>(i) * P + p) > 0.0;
      count(j) += any ? 1 : 0;
    }
  return count;
}

}  // namespace ptlab::model
