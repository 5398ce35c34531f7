#pragma once
// The two-layer CNN of the theory model (docs/design.md §2.2; Cao et al. 2022, Kou et al. 2023):
//   f(W, x) = F₊₁(W₊₁, x) − F₋₁(W₋₁, x),  F_j(W_j, x) = (1/m) Σ_r Σ_p σ(⟨w_{j,r}, x⁽ᵖ⁾⟩),
// second layer fixed at ±1/m, logistic loss L = (1/n) Σ_i ℓ(y_i f(W, x_i)), ℓ(z) = log(1 + e^{−z}).
//
// Weight layout: W is 2m × d; rows 0..m−1 are the filters w_{+1,r} of class +1, rows m..2m−1 the
// filters w_{−1,r} of class −1. Data layout: see data/task.hpp.
#include <Eigen/Dense>
#include <string>

#include "ptlab/core/rng.hpp"
#include "ptlab/data/task.hpp"

namespace ptlab::model {

enum class Activation { relu, leaky_relu, poly_relu };
std::string to_string(Activation activation);

/// Pooling of the second layer over a class's filters: mean (±1/m, the theory papers' model) or
/// sum (±1, e.g. Kou et al. 2023's public script).
enum class Readout { mean, sum };
/// Pooling over a sample's P patches: sum (the theory papers' model) or mean (1/P; Kou et al.'s
/// script averages its convolution's outputs).
enum class PatchPool { sum, mean };
/// Initialisation: N(0, σ₀²) with σ₀ = model.sigma_0, or fan_in, N(0, 1/(3d)): the variance of
/// PyTorch's default Conv1d/Linear initialisation U(±1/√d) with a Gaussian law (so reduced
/// sampling stays exact; the uniform law itself is not rotation invariant).
enum class Init { normal, fan_in };
struct ModelOptions {
  int m = 20;                               ///< filters per class
  Activation activation = Activation::relu;
  double leaky_slope = 0.1;                 ///< κ of leaky ReLU σ(z) = max(z, κz), κ ∈ [0, 1)
  double q = 3.0;                           ///< exponent of polynomial ReLU σ(z) = max(0, z)^q, q ≥ 1
  double sigma_0 = 0.01;                    ///< init standard deviation σ₀ (Init::normal)
  Readout readout = Readout::mean;
  PatchPool patch_pool = PatchPool::sum;
  Init init = Init::normal;
  /// A bias b_{j,r} per filter, added to every patch's pre-activation: σ(⟨w_{j,r}, x⁽ᵖ⁾⟩ + b_{j,r})
  /// (Kou et al. 2023's public script uses PyTorch's Conv1d, which has one). Drawn with the law of
  /// one weight coordinate (init_bias), trained by GD like the weights. Scratch phases only: the
  /// transfer rules move filters without biases (experiment/config.cpp refuses the rest).
  bool bias = false;
};

/// The second-layer weight of class +1's filters (class −1: its negative): (1/m or 1)·(1 or 1/P).
double second_layer_weight(const ModelOptions& options, int P);

using Weights = Eigen::MatrixXd;

/// Filters drawn i.i.d. N(0, σ₀²) (Init::fan_in: σ₀² = 1/(3d)), row by row. Returns 2m × d.
Weights init_weights(const ModelOptions& options, int d, core::Rng& rng);
/// The same with the rows as the vectors of `basis` (data/basis.hpp). Returns 2m × basis.width;
/// with Basis::direct(d), bit-identical to the overload above.
Weights init_weights(const ModelOptions& options, const data::Basis& basis, core::Rng& rng);

/// Biases drawn i.i.d. with the law of one weight coordinate: N(0, σ₀²), or N(0, 1/(3d)) for
/// Init::fan_in (PyTorch draws a Conv1d's bias from U(±1/√fan_in), the weights' law). Returns 2m;
/// empty when options.bias is false (then nothing is drawn from rng). Draw it after the weights,
/// so that a run without bias keeps its bits.
Eigen::VectorXd init_bias(const ModelOptions& options, const data::Basis& basis, core::Rng& rng);

/// σ(z) and σ'(z) for the chosen activation (σ'(0) = 0 for ReLU variants).
double activate(const ModelOptions& options, double z);
double activate_grad(const ModelOptions& options, double z);

/// ℓ(z) = log(1 + e^{−z}), computed without overflow for any finite z.
double logistic_loss(double z);
/// ℓ'(z) = −1 / (1 + e^{z}), computed without overflow.
double logistic_loss_grad(double z);

/// Network outputs f(W, x_i) for every sample. X: d × (n·P). Returns n.
Eigen::VectorXd outputs(const ModelOptions& options, const Weights& W, const Eigen::MatrixXd& X,
                        int P);

/// Network outputs from pre-activations A = W·X (2m × (n·P)). Returns n.
Eigen::VectorXd outputs_from_preactivations(const ModelOptions& options, const Eigen::MatrixXd& A, int P);

/// Mean logistic loss of outputs f against labels y (both n).
double mean_loss(const Eigen::VectorXd& f, const Eigen::VectorXd& y);

/// Fraction of samples with y_i·f_i < 0; a tie f_i = 0 counts ½, the expected error of breaking
/// it at random (so a network that outputs 0 everywhere scores 0.5, not 1).
double error_rate(const Eigen::VectorXd& f, const Eigen::VectorXd& y);

/// Reusable buffers for loss and gradient evaluation on one data set (no allocation per step).
class Evaluator {
 public:
  Evaluator(const ModelOptions& options, const data::Dataset& data);
  /// Computes outputs f (n) and the loss; if `gradient` is non-null, also ∇_W L (2m × d) of the
  /// mean logistic loss (weight decay not included). Two GEMMs over the whole batch.
  double loss_and_gradient(const Weights& W, Weights* gradient);
  /// The same from pre-activations already written into preactivations_buffer() (A = W·X, by
  /// any method): outputs, loss and, if `coefficients`, C (so that ∇L = C·Xᵀ).
  double loss_from_preactivations(bool coefficients);
  Eigen::MatrixXd& preactivations_buffer() { return A_; }
  const Eigen::VectorXd& outputs() const { return f_; }
  /// A = W·X of the last call, 2m × (n·P).
  const Eigen::MatrixXd& preactivations() const { return A_; }
  /// C of the last call with a gradient (∇L = C·Xᵀ), 2m × (n·P).
  const Eigen::MatrixXd& coefficients() const { return C_; }

 private:
  ModelOptions options_;
  const data::Dataset& data_;
  Eigen::MatrixXd A_;  ///< 2m × (n·P) pre-activations ⟨w_{j,r}, x_i⁽ᵖ⁾⟩
  Eigen::MatrixXd C_;  ///< 2m × (n·P) gradient coefficients
  Eigen::VectorXd a_;  ///< 2m second-layer weights ±1/m
  Eigen::VectorXd f_;  ///< n outputs
};

}  // namespace ptlab::model
