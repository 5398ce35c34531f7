#pragma once
// Partial parameter transfer: which upstream parameters a downstream model inherits
// (docs/design.md §2.3). Filters that are not inherited keep their fresh N(0, σ₀²) values, which are
// exactly the scratch model's initial values, so the transfer and scratch runs of a pair differ
// only in what was inherited.
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "ptlab/core/rng.hpp"
#include "ptlab/data/task.hpp"
#include "ptlab/model/cnn.hpp"

namespace ptlab::transfer {

enum class Rule {
  filter,      ///< per class, ⌊α·m⌋ filters chosen uniformly at random (the paper's rule, per its reviews)
  entry,       ///< each weight entry independently with probability α
  layer,       ///< the whole first layer (α ignored; equals `filter` at α = 1)
  activation,  ///< filters that fire on ≥ τ of the downstream training inputs (α ignored)
  oracle,      ///< per class j, the ⌊α·m⌋ filters with the largest j·⟨w, u⟩ (an upper-bound baseline)
};
std::string to_string(Rule rule);

struct TransferOptions {
  Rule rule = Rule::filter;
  double alpha = 0.5;   ///< α ∈ [0, 1], the inheritance ratio
  bool freeze = false;  ///< keep inherited parameters fixed during downstream training
  double tau = 0.5;     ///< τ ∈ [0, 1] of the activation rule
  /// Shrink and perturb of the inherited entries (Ash & Adams, NeurIPS 2020): each becomes
  /// shrink·w_upstream + perturb·w_fresh, the fresh value being the same N(0, σ₀²) draw the
  /// scratch run starts from. shrink ∈ [0, 1]; perturb ≥ 0; (1, 0) is plain inheritance.
  double shrink = 1.0;
  double perturb = 0.0;
};

/// Filters inherited per class by the filter and oracle rules: ⌊α·m⌋, with a 1e-9 guard so that
/// e.g. α = 0.29, m = 100 gives 29 despite 0.29·100 = 28.999… in floating point.
int inherited_per_class(double alpha, int m);

struct TransferResult {
  model::Weights W0;          ///< downstream initial weights, 2m × d
  Eigen::MatrixXd inherited;  ///< 2m × d, 1 where the entry was copied from upstream, else 0
  int filters_inherited = 0;  ///< rows copied whole (entry rule: rows whose every entry was copied)
  Eigen::Index entries_inherited = 0;
};

/// Builds the downstream initial weights from the upstream weights and the fresh init (both 2m × d).
/// `u` (d) is the universal signal (oracle rule), `train` the downstream training data (activation
/// rule); `rng` is the transfer-choice stream. Source: docs/design.md §2.3.
TransferResult apply(const TransferOptions& options, const model::Weights& upstream,
                     const model::Weights& fresh, const Eigen::VectorXd& u,
                     const data::Dataset& train, core::Rng& rng);

/// The filters the activation rule inherits: rows r of `upstream` active (model::active_counts)
/// on at least τ·n of the n samples of `train` (the seed paper's authors' rule; τ is an option).
/// In increasing row order.
std::vector<int> active_filters(const model::Weights& upstream, const data::Dataset& train, double tau);

/// The 2m × d 0/1 mask of trainable entries: all ones, or 1 − inherited when freezing.
Eigen::MatrixXd trainable_mask(const TransferOptions& options, const TransferResult& transfer);

}  // namespace ptlab::transfer
