#pragma once
// LogME (see score.hpp for the data layout and the input checks every score makes).
#include <Eigen/Dense>
#include <span>

namespace ptlab::score {

/// LogME: the log maximum evidence of a Bayesian linear regression of each class's one-hot target
/// on the features, averaged over classes and divided by N (nats per sample; higher = more
/// transferable; not bounded).
///
/// For class c, t = 1[y = c] (N), the model t = F·w + ε with w ~ N(0, α⁻¹I_D), ε ~ N(0, β⁻¹I_N);
/// (α, β) maximise the evidence p(t | α, β) by the fixed-point updates
///   γ = Σ σ_i/(σ_i + α/β),  α = γ/(‖m‖² + 10⁻⁵),  β = (N − γ)/(‖t − F·m‖² + 10⁻⁵)
/// on one eigendecomposition σ_i of FᵀF (computed from the smaller Gram matrix: FᵀF when N > D,
/// F·Fᵀ when D ≥ N), at most 11 rounds, stopping when α/β moves by ≤ 10⁻³ relative.
///
/// @param F N × D features (no centring or scaling is applied: the model has no bias term).
/// @param y N target labels.
/// @return mean over the classes present of log p(t_c | α_c, β_c) / N.
/// @throws core::InputError the checks of score.hpp, or F all zero.
///
/// Source: You et al., ICML 2021 (arXiv 2102.11005), the log evidence of the linear model and its
/// maximisation; the fixed-point solver of You et al. 2021 (arXiv 2110.10545), as in thuml/LogME
/// LogME.py `_fit_fixed_point` (same start α = β = 1, update order, 10⁻⁵ guards, stopping rule and
/// final evidence), except:
///  - log|αI + βFᵀF| runs over all D eigenvalues, zeros included, which is the evidence the
///    paper defines. The reference sums over the k = min(N, D) (or rank) nonzero ones only, so it
///    adds (D − k)/(2N)·log α per class when D > N or F is column-rank deficient (thuml/LogME#23,
///    fix proposed in PR #24). Hence appending a zero column leaves this score unchanged;
///  - eigenvalues ≤ max(N, D)·ε·σ_max count as zero (the reference: singular values ≤ 10⁻¹⁰);
///  - classes are the labels present; the reference averages over 0 … max(y), an absent class
///    contributing the evidence of an all-zero target.
/// On full-column-rank F with labels 0 … C−1 all present the two agree to rounding.
double logme(const Eigen::Ref<const Eigen::MatrixXd>& F, std::span<const int> y);

}  // namespace ptlab::score
