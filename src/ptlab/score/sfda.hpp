#pragma once
// SFDA (see score.hpp for the data layout and the input checks every score makes).
#include <Eigen/Dense>
#include <span>

namespace ptlab::score {

struct SfdaOptions {
  /// 0: score F as given (the reference). > 0: first project the centred F onto its leading
  /// min(pca_dim, D, N − 1) principal components. Needed when D ≳ N: the within-class scatter then
  /// has rank ≤ N − C, the reference's regularisation λ = max(e^{−5·λ_max}, 10⁻¹⁰) is ~10⁻¹⁰ for
  /// features of unit scale, the discriminant separates the training samples perfectly and the
  /// score is 1.0 for every model (TencentARC/SFDA#5). Choose pca_dim well below N − C.
  int pca_dim = 0;
};

/// SFDA, self-challenging Fisher discriminant analysis: the mean posterior of the true class
/// under a regularised Fisher discriminant fitted to features that were first pulled towards the
/// other classes' means in proportion to how confidently they were classified. In (0, 1]; higher
/// = more transferable.
///
/// Steps, as in TencentARC/SFDA metrics.py `SFDA_Score` and class `SFDA`:
///  1. Within-class scatter S_w = Σ_c p_c·cov_c (p_c = n_c/N, cov_c the 1/n_c covariance of class
///     c); λ = max(exp(−5·λ_max(S_w)), 10⁻¹⁰) with λ_max from three rounds of the authors' power
///     iteration started at S_w·1 (utils.py `iterative_A`); S̃_w = (1 − λ)·S_w + λ·(tr S_w / D)·I.
///  2. Posterior P(c | x) = softmax_c(xᵀ·S̃_w⁻¹·m_c − ½·m_cᵀ·S̃_w⁻¹·m_c + log p_c), m_c the class means.
///  3. ConfMix: p_i = softmax over classes of the posteriors of sample i (a second softmax, "to
///     soften", as the reference), taken at its own class c_i; x_i ← p_i·x_i + (1 − p_i)·m̄_{c_i},
///     m̄_c the mean of the other classes' means (computed before mixing).
///  4. Steps 1–2 again on the mixed features with the same λ; the score is the mean over samples of
///     the posterior of their own class.
///
/// Differences from the reference (where the reference is defined, none changes the value beyond
/// rounding):
///  - the reference gets S̃_w⁻¹ as V·Vᵀ from all D generalised eigenvectors of (S_b, S̃_w) (VᵀS̃_wV = I
///    makes V·Vᵀ = S̃_w⁻¹ whatever S_b is); we solve with S̃_w directly (LDLT) and never form S_b;
///  - if S_w·1 = 0 the reference's power iteration divides by zero (NaN); we then take λ_max from
///    an eigendecomposition;
///  - classes are the labels present (the reference's ConfMix loop assumes labels 0 … C−1);
///  - pca_dim is ours (the reference has no PCA in SFDA_Score): an exact PCA (SVD of the centred
///    F), each component's sign fixed so that its largest-magnitude loading is positive.
///
/// @param F N × D features.
/// @param y N target labels.
/// @param options see SfdaOptions.
/// @throws core::InputError the checks of score.hpp, pca_dim < 0, or features without
///   within-class variance (every class a single point: S_w = 0).
///
/// Source: Shao et al., ECCV 2022, "Not all models are equal: predicting model transferability in
/// a self-challenging Fisher space" (arXiv 2207.03036); TencentARC/SFDA metrics.py and utils.py.
double sfda(const Eigen::Ref<const Eigen::MatrixXd>& F,
            std::span<const int> y,
            const SfdaOptions& options = {});

}  // namespace ptlab::score
