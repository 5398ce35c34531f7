#pragma once
// Internal: how a GD backend (an engine) holds W(t). The GD loop (train/gd.cpp) is shared; a backend supplies
// the training pre-activations, the test outputs and the update
//   W(t+1) = W(t) − η·M ⊙ (C·Xᵀ + λ·W(t) + λ_SP·R ⊙ (W(t) − W(0))),
// with C the gradient coefficients of model::Evaluator (∇L = C·Xᵀ) and R the anchored mask (L2-SP).
#include <Eigen/Dense>
#include <memory>

#include "ptlab/data/task.hpp"
#include "ptlab/model/cnn.hpp"

namespace ptlab::train::detail {

class Engine {
 public:
  virtual ~Engine() = default;
  /// A = W(t)·X_train, 2m × (n·P).
  virtual void preactivations(Eigen::MatrixXd& A) = 0;
  /// A = W(t)·X_test, 2m × (n_test·P) (the bias, if any, is added by the GD loop).
  virtual void test_preactivations(Eigen::MatrixXd& A) = 0;
  /// One GD update from the coefficients C of W(t).
  virtual void step(const Eigen::MatrixXd& C, double eta, double weight_decay, double l2sp) = 0;
  /// W(t), 2m × d.
  virtual model::Weights weights() const = 0;
  virtual bool finite() const = 0;
};

/// Holds W itself: two GEMMs over d per step.
/// `anchored`: R, 2m × d or empty (no L2-SP term).
std::unique_ptr<Engine> make_dense(model::Weights W0, const Eigen::MatrixXd& trainable, const Eigen::MatrixXd& anchored,
                                    const data::Dataset& train, const data::Dataset& test);

/// Holds W(t) = diag(a)·W(0) + B_c·Bᵀ over the distinct training patches B: per step one
/// 2m × K × K product, independent of d. Needs per-filter masks (train/span.hpp): an anchored
/// filter r then follows a_r ← (1 − η(λ + λ_SP))·a_r + ηλ_SP, B_c,r ← (1 − η(λ + λ_SP))·B_c,r − η·C_r.
std::unique_ptr<Engine> make_span(model::Weights W0, const Eigen::MatrixXd& trainable, const Eigen::MatrixXd& anchored,
                                   const data::Dataset& train, const data::Dataset& test);

}  // namespace ptlab::train::detail
