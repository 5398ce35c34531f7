#pragma once
// Covariance estimates shared by the H-scores and SFDA (see score.hpp for the data layout).
#include <Eigen/Dense>

namespace ptlab::score {

/// The empirical covariance S = (1/N)·Σ_i (f_i − f̄)(f_i − f̄)ᵀ of the rows of F (N × D), D × D.
/// 1/N, not 1/(N − 1): the estimate Ledoit–Wolf shrink, and the one SFDA's reference uses.
Eigen::MatrixXd empirical_covariance(const Eigen::Ref<const Eigen::MatrixXd>& F);

/// (1 − λ)·S + λ·μ·I with μ = tr(S)/D: S (D × D) shrunk towards the scaled identity with
/// intensity λ ∈ [0, 1].
Eigen::MatrixXd shrunk_covariance(const Eigen::Ref<const Eigen::MatrixXd>& S, double shrinkage);

/// The Ledoit–Wolf optimal shrinkage intensity λ* ∈ [0, 1] for shrinking the empirical covariance
/// of F (N × D, rows = samples; centred here) towards μ·I, μ = tr(S)/D.
///
/// With the normalised norm ‖A‖² = tr(AAᵀ)/D: d² = ‖S − μI‖², b̄² = N⁻²·Σ_i ‖x_i x_iᵀ − S‖² (x_i
/// the centred rows), b² = min(b̄², d²), λ* = b²/d² (0 when d² = 0). Computed without forming
/// the N outer products, by Σ_i ‖x_i x_iᵀ − S‖_F² = Σ_i ‖x_i‖⁴ − N·‖S‖_F².
/// F is not checked here (callers check it); a single row gives 0.
///
/// Source: Ledoit & Wolf 2004, "A well-conditioned estimator for large-dimensional covariance
/// matrices", J. Multivariate Anal. 88(2), Lemmas 3.2–3.4 and Thm 3.1 (the estimator of §3.3);
/// the same number as sklearn.covariance.ledoit_wolf_shrinkage (assume_centered=False).
double ledoit_wolf_shrinkage(const Eigen::Ref<const Eigen::MatrixXd>& F);

}  // namespace ptlab::score
