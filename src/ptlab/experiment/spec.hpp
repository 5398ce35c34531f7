#pragma once
// The validated description of one experiment: upstream training → transfer → downstream training
// (transfer and scratch). Every field is a TOML key; see experiment/config.hpp for the schema.
#include <cstdint>

#include "ptlab/data/task.hpp"
#include "ptlab/dynamics/trajectory.hpp"
#include "ptlab/model/cnn.hpp"
#include "ptlab/train/gd.hpp"
#include "ptlab/transfer/transfer.hpp"

namespace ptlab::experiment {

/// Which phases a run trains: all (upstream → transfer → downstream transfer and scratch) or the
/// scratch phase alone (training from scratch, e.g. Kou et al. 2023's benign-overfitting heatmap;
/// the upstream and transfer records are then empty: 0 steps, NaN errors, NaN NTG).
enum class Phases { all, scratch };

struct ExperimentSpec {
  data::FrameOptions frame;              ///< [data]
  data::TaskOptions upstream{.n = 200};  ///< [upstream] task 1 (n = n1, sigma_p = σ_{p,1}, p = p_1)
  train::GdOptions upstream_train;       ///< [upstream] training
  data::TaskOptions downstream{.n = 20}; ///< [downstream] task 2 (n = n2: few samples)
  train::GdOptions downstream_train;     ///< [downstream] training (transfer and scratch alike)
  model::ModelOptions model;             ///< [model]
  transfer::TransferOptions transfer;    ///< [transfer]
  std::uint64_t seed = 0;                ///< [run] first seed; seed i of N is seed + i
  int seeds = 10;                        ///< [run] number of seeds
  int curve_every = 50;                  ///< [run] learning-curve point every k steps (all phases)
  dynamics::DynamicsOptions dynamics;    ///< [dynamics] γ/ρ checkpoints (docs/design.md §2.4)
  train::Backend backend = train::Backend::automatic;  ///< [run] GD backend (train/span.hpp)
  Phases phases = Phases::all;           ///< [run] phases trained
  bool scratch_only() const { return phases == Phases::scratch; }
};

/// What upstream and transfer phases say of a bias, whatever run.phases is (advise, score and
/// verify train them for any spec).
inline constexpr const char* kBiasInTransferPhases =
    "model.bias = true: the upstream and transfer phases take no bias (the transfer rules move filters without "
    "it; only scratch-only runs train one); expected model.bias = false";

/// Why `spec` cannot run (empty: it can) for reasons that one key alone cannot say: a bias
/// (model.bias) is trained from scratch only, since the transfer rules move filters without it.
inline const char* cross_key_invalid_reason(const ExperimentSpec& spec) {
  if (spec.model.bias && !spec.scratch_only())
    return "model.bias = true needs run.phases = \"scratch\" (the transfer rules move filters without their "
           "biases); expected run.phases = \"scratch\" or model.bias = false";
  return "";
}

}  // namespace ptlab::experiment
