#include "ptlab/score/h_score.hpp"

#include <fmt/format.h>

#include <limits>

#include "ptlab/core/error.hpp"
#include "ptlab/score/covariance.hpp"
#include "ptlab/score/detail/checks.hpp"

namespace ptlab::score {

namespace {

// tr(Σ⁺ B) for Σ = (1 − α)S + αμI and B = Σ_c p_c d_c d_cᵀ, d_c = μ_c − μ, from one
// eigendecomposition S = V Λ Vᵀ: Σ has the eigenvectors V and eigenvalues (1 − α)λ_i + αμ, so
// tr(Σ⁺B) = Σ_i [(1 − α)λ_i + αμ]⁺ · Σ_c p_c (v_iᵀ d_c)². Never forms Σ⁺.
double between_over_total(const Eigen::Ref<const Eigen::MatrixXd>& F,
                          std::span<const int> y,
                          const char* score,
                          std::optional<double> shrinkage) {
  detail::check_features(score, "features", F);
  const detail::Classes classes = detail::target_classes(score, y, F.rows());
  Eigen::MatrixXd means;
  Eigen::VectorXd priors;
  detail::class_means(F, classes, means, priors);
  const Eigen::MatrixXd S = empirical_covariance(F);
  const double alpha = shrinkage ? *shrinkage : ledoit_wolf_shrinkage(F);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(S);
  PTLAB_ASSERT(eig.info() == Eigen::Success);
  const double mu = S.trace() / static_cast<double>(S.rows());
  const Eigen::ArrayXd total = (1.0 - alpha) * eig.eigenvalues().array() + alpha * mu;
  const double tol =
      static_cast<double>(S.rows()) * std::numeric_limits<double>::epsilon() * total.maxCoeff();
  const Eigen::MatrixXd diffs = means.rowwise() - F.colwise().mean();  // C × D
  const Eigen::MatrixXd proj = diffs * eig.eigenvectors();             // C × D: v_iᵀ d_c
  const Eigen::ArrayXd between = (priors.asDiagonal() * proj.cwiseAbs2()).colwise().sum().transpose().array();
  double sum = 0.0;
  for (Eigen::Index i = 0; i < total.size(); ++i)
    if (total(i) > tol) sum += between(i) / total(i);
  return (1.0 - alpha) * sum;
}

}  // namespace

double h_score(const Eigen::Ref<const Eigen::MatrixXd>& F, std::span<const int> y) {
  return between_over_total(F, y, "h_score", 0.0);
}

double shrinkage_h_score(const Eigen::Ref<const Eigen::MatrixXd>& F,
                         std::span<const int> y,
                         const ShrinkageHScoreOptions& options) {
  if (options.shrinkage) {
    const double a = *options.shrinkage;
    PTLAB_CHECK(a >= 0.0 && a <= 1.0,
                fmt::format("shrinkage_h_score: shrinkage = {}: expected an intensity in [0, 1]", a));
  }
  return between_over_total(F, y, "shrinkage_h_score", options.shrinkage);
}

}  // namespace ptlab::score
