#pragma once
// Deep sweeps: a grid of deep experiments (experiment/deep_spec.hpp) over config keys, the deep
// counterpart of experiment/sweep.hpp, with the same [sweep] table:
//   [sweep]
//   seeds = 3                        # seeds per grid point (default: run.seeds)
//   [[sweep.axis]]
//   key = "upstream.per_class"       # n1
//   values = [30, 100, 300, 1000]    # or linspace / logspace = [a, b, k]
// Each grid point runs every setting of transfer.alphas (or transfer.blocks), so α is an
// implicit last axis. The grid is the Cartesian product of the axes, first axis slowest.
#include <string>
#include <vector>

#include "ptlab/experiment/deep_spec.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/sweep.hpp"

namespace ptlab::experiment {

struct DeepSweepSpec {
  DeepSpec base;           ///< the config without the axes applied
  std::vector<Axis> axes;  ///< none for a plain deep config
  int seeds = 3;           ///< seeds per point: base.seed … base.seed + seeds − 1
};

struct DeepGridPoint {
  DeepSpec spec;
  std::vector<std::string> values;  ///< one TOML literal per axis, in axis order
};

/// Reads a deep config with or without a [sweep] table; `overrides` apply to the base config.
/// Throws core::InputError for anything parse_deep_config rejects, an axis with an unknown key, a
/// malformed range, a repeated key, an override of an axis key, or a value its key rejects.
DeepSweepSpec load_deep_sweep(const std::string& path, const std::vector<std::string>& overrides = {});
DeepSweepSpec parse_deep_sweep(const std::string& text, const std::string& source_name,
                               const std::vector<std::string>& overrides = {});

/// The grid, first axis slowest; a sweep without axes has one point, the base.
std::vector<DeepGridPoint> deep_grid(const DeepSweepSpec& sweep);

/// The type of a deep config key (for linspace/logspace rounding); throws core::InputError for a
/// key that is not in configs/deep/fmnist_resnet.toml or cannot be an axis (lists).
KeyType deep_key_type(const std::string& key);

}  // namespace ptlab::experiment
