#pragma once
// Candidate ways to initialise and train a downstream model, the choices `ptlab advise` ranks.
#include <string>
#include <vector>

#include "ptlab/transfer/transfer.hpp"

namespace ptlab::advise {

struct Strategy {
  std::string name;                    ///< e.g. "scratch", "alpha=0.5 random", "activation tau=0.5"
  bool scratch = false;                ///< the fresh initialisation alone
  transfer::TransferOptions transfer;  ///< how to inherit (ignored for scratch)
  double l2sp = 0.0;                   ///< λ_SP of downstream training (train::GdOptions::l2sp)
};

/// The candidates besides the α grid and the activation rule (0 or an empty grid: left out).
struct ExtraStrategies {
  /// Shrink and perturb of the whole inherited layer (α = 1): (shrink, perturb) as in
  /// transfer::TransferOptions; shrink ≤ 0 leaves the candidate out.
  double shrink = 0.5, perturb = 1.0;
  double l2sp = 0.0;  ///< L2-SP at α = 1 with this λ_SP (0: left out)
};

/// True for the plain random filter rule at `alpha` (no shrink, perturb or L2-SP): the
/// candidate a pair's own α and the static policies "always α" refer to.
bool is_plain_alpha(const Strategy& s, double alpha);

/// Scratch, then for each α the random filter rule at α, then the activation rule at τ, then the
/// extras. Only rules that a practitioner can apply (never the oracle rule, which reads the signal u).
std::vector<Strategy> theory_strategies(const std::vector<double>& alphas, double tau, bool freeze,
                                        const ExtraStrategies& extra = {});

}  // namespace ptlab::advise
