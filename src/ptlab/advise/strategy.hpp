#pragma once
// Candidate ways to initialise a downstream model, the choices `ptlab advise` ranks.
#include <string>
#include <vector>

#include "ptlab/transfer/transfer.hpp"

namespace ptlab::advise {

struct Strategy {
  std::string name;                    ///< e.g. "scratch", "alpha=0.5 random", "activation tau=0.5"
  bool scratch = false;                ///< the fresh initialisation alone
  transfer::TransferOptions transfer;  ///< how to inherit (ignored for scratch)
};

/// Scratch, then for each α the random filter rule at α, then the activation rule at τ. Only rules
/// that a practitioner can apply (never the oracle rule, which reads the signal u).
std::vector<Strategy> theory_strategies(const std::vector<double>& alphas, double tau, bool freeze);

}  // namespace ptlab::advise
