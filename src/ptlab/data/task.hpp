#pragma once
// Synthetic signal-plus-noise tasks of the theory model (docs/design.md §2.1).
//
// Data layout (stated once for the whole library): a data set of n samples with P patches in
// dimension d is a d × (n·P) column-major matrix X; column i·P + p is patch p of sample i.
//   layout shared   (P = 2): x_i = [ ŷ_i·(u + v_k), ξ_i ]
//   layout separate (P = 3): x_i = [ ŷ_i·u, ŷ_i·v_k, ξ_i ]
// ŷ_i ∈ {−1, +1} is the true label, y_i the observed one (ŷ_i flipped with probability p_k).
#include <Eigen/Dense>
#include <cstdint>
#include <string>

#include "ptlab/core/rng.hpp"
#include "ptlab/data/basis.hpp"

namespace ptlab::data {

enum class Layout { shared, separate };

/// Number of patches per sample: 2 for shared, 3 for separate.
int patches(Layout layout);
std::string to_string(Layout layout);

/// Options common to both tasks: the signal frame and the test-set size.
struct FrameOptions {
  int d = 2000;                    ///< patch dimension; ≥ 3 (the frame uses e1, e2, e3)
  Layout layout = Layout::shared;  ///< patch layout
  double norm_u = 1.0;             ///< ‖u‖, the universal signal shared by both tasks
  double theta = 90.0;             ///< angle between v_1 and v_2 in degrees, [0, 180]
  int n_test = 1000;               ///< fresh test samples per task
  /// Project u and v out of the noise (the theory model's convention). False: ξ ~ N(0, σ_p² I),
  /// as in Kou et al. 2023's public script.
  bool project_noise = true;
  Sampling sampling = Sampling::direct;  ///< how the random vectors are drawn (data/basis.hpp)
};

/// Options of one task k (k = 1 upstream, k = 2 downstream).
struct TaskOptions {
  int n = 100;           ///< training samples n_k
  double norm_v = 1.0;   ///< ‖v_k‖, the task-specific signal
  double sigma_p = 1.0;  ///< σ_{p,k}, noise standard deviation per coordinate
  double p = 0.0;        ///< label-flip probability p_k ∈ [0, 0.5)
};

/// The signals of task k: u = ‖u‖·e1; v_1 = ‖v_1‖·e2; v_2 = ‖v_2‖·(cos θ·e2 + sin θ·e3).
/// Shapes: both width × 1, width = d unless given (a reduced basis keeps e1, e2, e3 as its first
/// coordinates, so the same frame serves it). Source: docs/design.md §2.1 (the default frame; ours,
/// not the paper's).
struct Signals {
  Eigen::VectorXd u;
  Eigen::VectorXd v;
};
Signals make_signals(const FrameOptions& frame, const TaskOptions& task, int k, int width = 0);

/// A sampled data set.
struct Dataset {
  Eigen::MatrixXd X;       ///< d × (n·P) patches, layout above
  Eigen::VectorXd y;       ///< n observed labels in {−1, +1}
  Eigen::VectorXd y_true;  ///< n true labels ŷ in {−1, +1}
  int P = 2;               ///< patches per sample
  int n() const { return static_cast<int>(y.size()); }
};

/// Draws n samples of a task from rng: per sample the true label, the flip, then the noise.
/// Noise ξ ~ N(0, σ_p²·(I − uuᵀ/‖u‖² − vvᵀ/‖v‖²)): a N(0, σ_p² I) draw with u and v projected out
/// (a zero-norm signal is not projected out; nothing is with frame.project_noise = false).
/// The noise patches are the vectors of `basis` (default: direct in R^d); the signals must have
/// basis.width rows. X then has basis.width rows. Source: docs/design.md §2.1 and §2.6.
Dataset sample(const FrameOptions& frame, const TaskOptions& task, const Signals& signals, int n,
               core::Rng& rng, const Basis& basis);
Dataset sample(const FrameOptions& frame, const TaskOptions& task, const Signals& signals, int n,
               core::Rng& rng);

}  // namespace ptlab::data
