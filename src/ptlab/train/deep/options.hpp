#pragma once
// The options of one deep training run (train/deep/trainer.hpp), free of LibTorch so that the deep
// config (experiment/deep_config.hpp) can hold them directly: each field is declared only here.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ptlab::train::deep {

enum class Optimizer {
  sgd,    ///< SGD with momentum
  adamw,  ///< AdamW (decoupled weight decay)
};

/// The config spelling of each optimizer, indexed by the enumerator.
inline constexpr std::array<std::string_view, 2> kOptimizerNames = {"sgd", "adamw"};

struct TrainOptions {
  Optimizer optimizer = Optimizer::sgd;
  double lr = 0.05;               ///< peak learning rate, > 0
  double momentum = 0.9;          ///< SGD only
  double weight_decay = 5e-4;     ///< ≥ 0
  int epochs = 5;                 ///< ≥ 1
  int batch_size = 128;           ///< ≥ 1
  bool cosine = true;             ///< cosine decay from lr to 0 over all steps (else constant)
  bool augment = false;           ///< random crop (padding 2) and horizontal flip
  double input_noise = 0.0;       ///< σ of Gaussian noise added to the normalised inputs, ≥ 0
  std::uint64_t seed = 0;         ///< shuffling, augmentation, noise
  int eval_every = 1;             ///< evaluate every this many epochs and after the last one, ≥ 1
  /// λ_SP of L2-SP towards the anchors given to train_model, ≥ 0 (Li et al. 2018): each step adds
  /// λ_SP·mask ⊙ (w − w_anchor) to the gradient of every anchored parameter (0: off).
  double l2sp = 0.0;
  /// Stop after this many steps (batches) of the schedule, which still spans all `epochs`
  /// (0 = train to the end): the early part of a full run, for the learning-curve probe of
  /// `ptlab advise`. Not a config key.
  int stop_after_steps = 0;
  /// Linear probing first (Kumar et al. 2022, LP-FT): for the first probe_epochs epochs only the
  /// head ("head.*") trains, the rest of the model runs in eval mode (BatchNorm statistics fixed);
  /// then every trainable parameter fine-tunes. Each phase has its own cosine schedule from lr.
  /// probe_epochs = epochs is a linear probe; 0 fine-tunes from the start.
  int probe_epochs = 0;
  /// Per-block learning-rate multipliers (discriminative fine-tuning, Howard & Ruder 2018): one
  /// factor ≥ 0 per block of model::deep::Net::blocks(), head included, in forward order; a
  /// parameter's rate is lr × its block's factor. Empty: 1 for every block.
  std::vector<double> block_lr;

  friend bool operator==(const TrainOptions&, const TrainOptions&) = default;
};

}  // namespace ptlab::train::deep
