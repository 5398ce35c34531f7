#pragma once
// H-score and shrinkage H-score (see score.hpp for the data layout and the input checks every
// score makes).
#include <Eigen/Dense>
#include <optional>
#include <span>

namespace ptlab::score {

/// H-score: tr(cov(f)⁺ · cov(E[f | y])), how much of the feature variance the class means explain
/// (dimensionless, ≥ 0, at most the number of classes − 1 when cov(f) is invertible).
///
/// cov(f) = S is the empirical covariance of the rows of F; cov(E[f | y]) = Σ_c (n_c/N)(μ_c − μ)(μ_c −
/// μ)ᵀ, the covariance of the rows after replacing each by its class mean. Both are 1/N; the
/// reference thuml/Transfer-Learning-Library tllib/ranking/hscore.py uses 1/(N − 1) for both,
/// which cancels. ⁺ is the Moore–Penrose pseudo-inverse, eigenvalues of S ≤ D·ε·λ_max counted as
/// zero (tllib: np.linalg.pinv with rcond = 10⁻¹⁵; the two differ only for a numerically singular
/// S, where tllib's result is dominated by rounding). So a zero or duplicated column leaves the
/// score unchanged, and so does adding a constant to every feature.
///
/// @param F N × D features.
/// @param y N target labels.
/// @throws core::InputError the checks of score.hpp.
///
/// Source: Bao et al., ICIP 2019, "An information-theoretic approach to transferability in task
/// transfer learning", the definition of the H-score H(f) = tr(cov(f)⁻¹ cov(E[f(X) | Y])).
double h_score(const Eigen::Ref<const Eigen::MatrixXd>& F, std::span<const int> y);

struct ShrinkageHScoreOptions {
  /// The shrinkage intensity α ∈ [0, 1]; unset = the Ledoit–Wolf estimate of F
  /// (ledoit_wolf_shrinkage). α = 0 gives h_score exactly.
  std::optional<double> shrinkage;
};

/// Shrinkage H-score: H_α = (1 − α)·tr(Σ_α⁻¹ · cov(E[f | y])), Σ_α = (1 − α)·S + α·(tr S / D)·I the
/// Ledoit–Wolf shrunk covariance, α its optimal intensity. Well conditioned when D ≫ N, where the
/// plain H-score is dominated by the inverse of S's small eigenvalues.
///
/// As implemented: S and cov(E[f | y]) as in h_score (both 1/N); Σ_α inverted through S's
/// eigendecomposition (eigenvalues (1 − α)λ_i + α·μ). The formula, with its (1 − α) factor on the
/// between-class covariance, is H_α as stated (citing the paper) by the reference implementation
/// thuml/Transfer-Learning-Library tllib/ranking/hscore.py `regularized_h_score`; the paper's own
/// text was not available to us, so the factor is taken from there. That reference mixes
/// normalisations: sklearn's LedoitWolf covariance (1/N) with np.cov of the class means
/// (1/(N − 1)), so its numbers are this score × N/(N − 1).
///
/// @param F N × D features.
/// @param y N target labels.
/// @param options see ShrinkageHScoreOptions.
/// @throws core::InputError the checks of score.hpp, or a shrinkage outside [0, 1].
///
/// Source: Ibrahim, Ponomareva & Mazumder, ICLR 2022 (arXiv 2110.06893), the shrinkage-based
/// H-score; Ledoit & Wolf 2004 for α (see ledoit_wolf_shrinkage).
double shrinkage_h_score(const Eigen::Ref<const Eigen::MatrixXd>& F,
                         std::span<const int> y,
                         const ShrinkageHScoreOptions& options = {});

}  // namespace ptlab::score
