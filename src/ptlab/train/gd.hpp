#pragma once
// Full-batch gradient descent for the theory model (docs/design.md §2.2):
//   W(t+1) = W(t) − η·M ⊙ (∇L(W(t)) + λ·W(t) + λ_SP·R ⊙ (W(t) − W(0))),
// with M the 0/1 trainable mask (all ones unless inherited filters are frozen) and R the 0/1
// anchored mask (the inherited entries, L2-SP; empty: none), for T steps or until L(W(t)) ≤ ε.
#include <Eigen/Dense>
#include <functional>
#include <string>
#include <vector>

#include "ptlab/data/task.hpp"
#include "ptlab/model/cnn.hpp"

namespace ptlab::train {

/// How W(t) is held during GD: dense (W itself) or span (coefficients over the training patches,
/// train/span.hpp); automatic picks the cheaper by train::estimate_cost. Same results to rounding.
/// An entry-wise trainable mask always runs dense (it takes the update out of the span).
enum class Backend { automatic, dense, span };
std::string to_string(Backend backend);

struct GdOptions {
  int steps = 1000;            ///< T, the maximum number of GD steps (≥ 0)
  double eta = 1.0;            ///< η, step size (> 0)
  double eps = 0.0;            ///< ε: stop as soon as the training loss is ≤ ε (0 = never)
  double weight_decay = 0.0;   ///< λ of the penalty (λ/2)‖W‖²_F (≥ 0)
  /// λ_SP of the L2-SP penalty (λ_SP/2)‖R ⊙ (W − W(0))‖²_F (≥ 0), which pulls the anchored
  /// (inherited) entries towards their inherited values (Li, Grandvalet & Davoine, ICML 2018,
  /// "L2-SP"; their α/2‖w_S − w⁰_S‖²). A run without anchored entries (scratch) is unaffected.
  double l2sp = 0.0;
  int curve_every = 50;        ///< record a learning-curve point every k steps (≥ 1)
  Backend backend = Backend::automatic;
};

enum class Status {
  completed,  ///< ran all T steps
  converged,  ///< stopped early with loss ≤ ε
  diverged,   ///< loss or weights became NaN or infinite
};
std::string to_string(Status status);

/// One learning-curve point, measured on the weights after `step` updates.
struct CurvePoint {
  int step = 0;
  double train_loss = 0.0;
  double train_error = 0.0;      ///< against observed training labels
  double test_error = 0.0;       ///< against observed test labels
  double test_error_true = 0.0;  ///< against true test labels ŷ
};

struct TrainResult {
  model::Weights W;   ///< final weights, 2m × d
  Eigen::VectorXd b;  ///< final biases, 2m (model.bias); empty without a bias
  Status status = Status::completed;
  int steps = 0;      ///< updates applied; for a diverged run, the step at which it diverged
  double train_loss = 0.0;
  double train_error = 0.0;
  double test_error = 0.0;
  double test_error_true = 0.0;
  std::vector<CurvePoint> curve;  ///< at step 0, every curve_every steps, and at the end
  Backend backend = Backend::dense;  ///< the backend that ran (automatic resolved)
};

/// What GD exposes to an observer at step t (dynamics/ uses it to track the exact γ/ρ coefficients).
/// All references are valid only during the call.
struct StepView {
  int step = 0;                          ///< t: the weights below are W(t)
  /// W(t), 2m × d, built on demand (the span backend does not hold W between steps).
  std::function<model::Weights()> weights;
  const Eigen::MatrixXd& A;              ///< 2m × (n·P) pre-activations ⟨w_{j,r}(t), x_i⁽ᵖ⁾⟩ (+ b_{j,r}) on the training set
  const Eigen::MatrixXd* C = nullptr;    ///< 2m × (n·P) coefficients with ∇L = C·Xᵀ; null on the last call
  const Eigen::MatrixXd* trainable = nullptr;  ///< the mask M (null: all trainable)
  double eta = 0.0;                      ///< η of the update W(t+1) = W(t) − η·M ⊙ (C·Xᵀ + λ·W(t) + λ_SP·R ⊙ (W(t) − W(0)))
  double weight_decay = 0.0;             ///< λ
  const Eigen::MatrixXd* anchored = nullptr;  ///< R (null: none)
  double l2sp = 0.0;                          ///< λ_SP
};
/// Called once per step before the update (C set) and once on the final weights (C null); not
/// called after divergence.
using StepObserver = std::function<void(const StepView&)>;

/// Trains from W0. `trainable` is a 2m × d 0/1 mask or empty (everything trainable); `anchored`
/// is the 2m × d 0/1 mask R of the L2-SP penalty or empty (none; options.l2sp is then unused).
/// `b0`: the initial biases (2m) when model.bias (empty: zeros); unused otherwise. The bias adds
/// b_{j,r} to every pre-activation and follows b ← b − η·M_r·(Σ_columns C + λ·b).
/// Errors of a diverged run are NaN. Deterministic: single-threaded, fixed evaluation order.
TrainResult gradient_descent(model::Weights W0, const Eigen::MatrixXd& trainable,
                             const data::Dataset& train, const data::Dataset& test,
                             const model::ModelOptions& model, const GdOptions& options,
                             const StepObserver& observer = {}, const Eigen::MatrixXd& anchored = {},
                             const Eigen::VectorXd& b0 = {});

}  // namespace ptlab::train
