#pragma once
// LEEP (see score.hpp for the data layout and the input checks every score makes).
#include <Eigen/Dense>
#include <span>

namespace ptlab::score {

/// Rows of `theta` must sum to 1 within this (absolute): float32 softmax outputs over 10³ source
/// classes pass, a matrix of logits or unnormalised scores does not.
inline constexpr double kProbabilityTolerance = 1e-4;

/// LEEP, the log expected empirical prediction: how well the source model's soft predictions,
/// pushed through the empirical conditional P̂(y | z), predict the target labels.
///
///   P̂(y, z) = (1/N) Σ_{i: y_i = y} θ_{i,z},   P̂(y | z) = P̂(y, z) / Σ_{y'} P̂(y', z),
///   LEEP = (1/N) Σ_i log Σ_z P̂(y_i | z)·θ_{i,z}.
///
/// @param theta N × Z source-class probabilities θ_{i,z} = P(z | x_i) of the source model (rows =
///   samples, entries ≥ 0, each row summing to 1 within kProbabilityTolerance).
/// @param y N target labels.
/// @return LEEP in nats per sample, ≤ 0; 0 exactly when every sample's expected empirical
///   prediction of its own label is 1 (e.g. a one-hot θ that is a function of the target class).
///   A source class z that receives no mass (column of zeros) is skipped.
/// @throws core::InputError the checks of score.hpp on theta and y, a negative entry of theta, or
///   a row of theta not summing to 1.
///
/// θ must be the source model's probabilities and y the target labels: thuml/LogME#14 reports
/// that the LEEP numbers of the LogME paper reproduce only when the one-hot target labels are
/// passed as θ and the source model's arg-max as labels, which is not LEEP.
///
/// Source: Nguyen et al., ICML 2020 (arXiv 2002.12462), the definition of LEEP T(θ, D), with the
/// log (the "LEEP" of TencentARC/SFDA metrics.py returns the mean prediction without it, which is
/// not LEEP).
double leep(const Eigen::Ref<const Eigen::MatrixXd>& theta, std::span<const int> y);

}  // namespace ptlab::score
