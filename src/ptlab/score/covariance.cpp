#include "ptlab/score/covariance.hpp"

#include <algorithm>

namespace ptlab::score {

namespace {

Eigen::MatrixXd centred(const Eigen::Ref<const Eigen::MatrixXd>& F) {
  return F.rowwise() - F.colwise().mean();
}

}  // namespace

Eigen::MatrixXd empirical_covariance(const Eigen::Ref<const Eigen::MatrixXd>& F) {
  const Eigen::MatrixXd X = centred(F);
  Eigen::MatrixXd S(F.cols(), F.cols());
  S.noalias() = X.transpose() * X;
  return S / static_cast<double>(F.rows());
}

Eigen::MatrixXd shrunk_covariance(const Eigen::Ref<const Eigen::MatrixXd>& S, double shrinkage) {
  const double mu = S.trace() / static_cast<double>(S.rows());
  Eigen::MatrixXd out = (1.0 - shrinkage) * S;
  out.diagonal().array() += shrinkage * mu;
  return out;
}

double ledoit_wolf_shrinkage(const Eigen::Ref<const Eigen::MatrixXd>& F) {
  const Eigen::MatrixXd X = centred(F);
  const double n = static_cast<double>(X.rows()), p = static_cast<double>(X.cols());
  Eigen::MatrixXd S(X.cols(), X.cols());
  S.noalias() = X.transpose() * X / n;
  const double mu = S.trace() / p;
  const double s_sq = S.squaredNorm();  // ‖S‖_F²
  // d² = ‖S − μI‖²/p = (‖S‖_F² − 2μ·tr S + p·μ²)/p.
  const double d2 = (s_sq - 2.0 * mu * S.trace() + p * mu * mu) / p;
  // Σ_i ‖x_i x_iᵀ − S‖_F² = Σ_i ‖x_i‖⁴ − 2·Σ_i x_iᵀ S x_i + N‖S‖_F² = Σ_i ‖x_i‖⁴ − N‖S‖_F²,
  // because Σ_i x_iᵀ S x_i = N·tr(S²). Rounding can take the difference just below 0.
  const double fourth = X.rowwise().squaredNorm().array().square().sum();
  const double bbar2 = std::max(0.0, (fourth - n * s_sq) / (n * n * p));
  const double b2 = std::min(bbar2, d2);
  return d2 > 0.0 ? b2 / d2 : 0.0;
}

}  // namespace ptlab::score
