#pragma once
// Signal learning and noise memorisation (docs/design.md §2.4; the decomposition of Cao et al. 2022,
// arXiv 2202.06526, §4, and Kou et al. 2023, arXiv 2303.04145, Lemma 5.2 style):
//
//   w_{j,r}(t) = a_{j,r}(t)·w_{j,r}(0) + Σ_s γ^s_{j,r}(t)·s/‖s‖² + Σ_i ρ_{j,r,i}(t)·ξ_i/‖ξ_i‖²,
//
// s over the signal directions of the layout (shared: s = u + v_k; separate: s = u and s = v_k),
// ξ_i the noise patch of training sample i. a(t) = Π(1 − ηλ) over the steps a filter was trained
// (exactly 1 without weight decay). The coefficients are not
// projections: they are accumulated from each GD update, which is a combination of the training
// patches, so they are exact whether or not the ξ_i are orthogonal. Per step (patch x = ŷ_i·s):
//   γ^s_{j,r} ← (1 − ηλ)·γ^s_{j,r} − η·Σ_i C_{(j,r),(i,s)}·ŷ_i·‖s‖²
//   ρ_{j,r,i} ← (1 − ηλ)·ρ_{j,r,i} − η·C_{(j,r),(i,ξ)}·‖ξ_i‖²
// with C the gradient coefficients of train::StepView (∇L = C·Xᵀ).
//
// Sign convention: γ as defined above is negative for class −1 filters that learn their signal
// (they align with −s); summaries report the class-signed j·γ (Cao et al.'s convention, where
// w_{j,r} = … + j·γ_{j,r}·μ/‖μ‖²), so that signal learning is positive for both classes.
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "ptlab/data/task.hpp"
#include "ptlab/train/gd.hpp"

namespace ptlab::dynamics {

/// The signal directions s of a layout for one task's signals: shared {u + v}; separate {u, v}.
/// Each d × 1. A zero-norm direction is kept (its γ stays 0).
std::vector<Eigen::VectorXd> signal_directions(data::Layout layout, const data::Signals& signals);
/// Their names as used in records: shared {"gamma"}; separate {"gamma_u", "gamma_v"}.
std::vector<std::string> signal_names(data::Layout layout);

/// The coefficients of W(t) at one step.
struct Coefficients {
  int step = 0;
  Eigen::VectorXd scale;  ///< 2m: a_{j,r}(t), the factor on w_{j,r}(0)
  Eigen::MatrixXd gamma;  ///< 2m × S: γ^s_{j,r}(t) (S signal directions)
  Eigen::MatrixXd rho;    ///< 2m × n: ρ_{j,r,i}(t); ρ̄ = max(ρ, 0), ρ̲ = min(ρ, 0)
};

/// W(0)·diag(a) + γ·[s/‖s‖²]ᵀ + ρ·[ξ_i/‖ξ_i‖²]ᵀ: the weights the coefficients describe (2m × d).
/// `train` is the data set the coefficients were accumulated on.
model::Weights rebuild(const model::Weights& W0, const Coefficients& c, const data::Dataset& train,
                       const std::vector<Eigen::VectorXd>& directions);

/// Accumulates the coefficients from GD's per-step view (attach with `observer()`). The trainable
/// mask must be constant per filter (whole filters trained or frozen); an entry-wise mask breaks
/// the decomposition and makes `exact()` false.
class Decomposition {
 public:
  /// `train` must outlive the object. `directions` holds one vector per signal patch (train.P − 1);
  /// other sizes are a programming error (PTLAB_ASSERT aborts), as is a step view whose C does not
  /// match `filters` × train.X.cols().
  Decomposition(const data::Dataset& train, std::vector<Eigen::VectorXd> directions, int filters);

  /// Applies one GD step's update (view.C non-null); a view without C leaves the coefficients.
  void update(const train::StepView& view);
  const Coefficients& coefficients() const { return c_; }
  /// False once an entry-wise (not per-filter) mask was seen.
  bool exact() const { return exact_; }

 private:
  const data::Dataset& train_;
  std::vector<Eigen::VectorXd> directions_;
  Eigen::VectorXd direction_sq_;  ///< ‖s‖² per direction
  Eigen::VectorXd noise_sq_;      ///< ‖ξ_i‖² per training sample
  Coefficients c_;
  bool exact_ = true;
};

}  // namespace ptlab::dynamics
