#pragma once
// The span (coefficient-space) GD backend and the cost model that picks a backend.
//
// GD only adds combinations of training patches to W (docs/design.md §2.4), so
//   W(t) = diag(a(t))·W(0) + B_c(t)·Bᵀ,
// with B the d × K matrix of distinct nonzero training patches (a signal patch ±s shared by all
// samples counts once; each noise patch once: K = S + n), a(t) = (1 − ηλ)^t per trained filter
// and B_c the 2m × K coefficients. With the Gram matrix H = BᵀB (K × K) and X = B·M (M: one ±1
// per column), the pre-activations are A = diag(a)·W(0)X + (B_c·H)·M and the update is
// B_c ← (1 − ηλ)·B_c − η·C·Mᵀ. Exact, not an approximation: the same iteration as the dense
// backend in another basis, agreeing to rounding (tests: 1e-9 relative).
#include <Eigen/Dense>

#include "ptlab/train/gd.hpp"

namespace ptlab::train {

/// True if the mask is empty or constant along each filter (row): the span backend's condition.
bool per_filter_mask(const Eigen::MatrixXd& trainable);

/// Multiply-adds of one training phase under each backend (the cost model of backend = "auto").
///   dense: T·2·2m·d·nP (A = W·X and C·Xᵀ) + E·2m·d·n_t·P (E test evaluations)
///   span:  d·(K² + 2m·nP + 2m·K_t + K·K_t)  set-up: H, W(0)X, W(0)·T, Bᵀ·T (T: distinct test patches)
///          + T·(2m·K² + 2m·nP) + E·2m·K·K_t
/// with K = S + n, K_t = S + n_t and E = ⌊T/curve_every⌋ + 2. Source: ours (counting the loops).
struct CostEstimate {
  double dense = 0.0;
  double span = 0.0;
};
CostEstimate estimate_cost(int d, int n, int P, int n_test, int m, int steps, int curve_every);

/// The backend to use: `requested` unless it is automatic, then the cheaper by estimate_cost;
/// dense whenever the mask is not per filter.
Backend choose_backend(Backend requested, bool per_filter, const CostEstimate& cost);

}  // namespace ptlab::train
