#pragma once
// Sweeps: a grid of experiments over config keys, each point run over several seeds.
//
// A sweep config is an experiment config plus a [sweep] table:
//   [sweep]
//   seeds = 10                       # seeds per grid point (default: run.seeds)
//   [[sweep.axis]]
//   key = "transfer.alpha"
//   values = [0.0, 0.25, 0.5, 1.0]   # a list ...
//   [[sweep.axis]]
//   key = "upstream.n"
//   logspace = [1.5, 3.0, 7]         # ... or 10^a .. 10^b in k points (linspace = [a, b, k]: a .. b)
// The grid is the Cartesian product of the axes, first axis slowest. Values of integer keys are
// rounded to the nearest integer (duplicates removed); every value is validated like `--set`.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ptlab/experiment/run.hpp"
#include "ptlab/experiment/spec.hpp"

namespace ptlab::experiment {

struct Axis {
  std::string key;                  ///< config key, e.g. "transfer.alpha"
  std::vector<std::string> values;  ///< TOML literals, e.g. "0.25", "200", "\"entry\""
};

struct SweepSpec {
  ExperimentSpec base;     ///< the config with every key but the axes
  std::vector<Axis> axes;  ///< at least one
  int seeds = 10;          ///< seeds per point: base.seed .. base.seed + seeds − 1
};

/// One grid point: the resolved spec and the axis values that made it.
struct GridPoint {
  ExperimentSpec spec;
  std::vector<std::string> values;  ///< one per axis, in axis order
};

/// Reads a sweep config; `overrides` apply to the base config (not to the axes). Throws
/// core::InputError for anything parse_config rejects, a missing or empty [sweep] axis list, an
/// axis with an unknown key, no or several value forms, an empty or malformed range
/// (linspace/logspace need [start, stop, count ≥ 1]), a repeated key, or a value its key rejects.
SweepSpec load_sweep(const std::string& path, const std::vector<std::string>& overrides = {});
SweepSpec parse_sweep(const std::string& text, const std::string& source_name,
                      const std::vector<std::string>& overrides = {});

/// The grid, first axis slowest. Each point's spec has the axis values applied.
std::vector<GridPoint> grid(const SweepSpec& sweep);

/// One run of a sweep: grid point `point`, seed `seed`.
struct SweepJob {
  int point = 0;
  std::uint64_t seed = 0;
};

struct SweepOptions {
  int threads = 0;  ///< 0 = all hardware threads
  /// Static partition for job arrays (e.g. Slurm): this process runs job j (numbered over the
  /// grid × seeds, point-major) only if j mod shard_count == shard_index.
  int shard_index = 0;
  int shard_count = 1;
  /// Jobs for which skip() is true are not run (e.g. already in the store).
  std::function<bool(const GridPoint&, const SweepJob&)> skip;
  /// Called after each run, one call at a time, in completion order. `record` is null and `error`
  /// set when the run threw.
  std::function<void(const GridPoint&, const SweepJob&, const SeedRecord* record, const std::string& error)> on_result;
};

struct SweepCounts {
  int total = 0;    ///< points × seeds
  int other_shards = 0;  ///< jobs left to the other shards
  int skipped = 0;  ///< skipped as already finished
  int ran = 0;
  int failed = 0;   ///< runs that threw (recorded, not fatal)
};

/// Runs every (point, seed) job not skipped, in parallel over jobs. Each record is identical to
/// run_seed(point.spec, seed) run alone. Throws core::InputError (before any run) if one run per
/// thread would not fit in memory.
SweepCounts run_sweep(const SweepSpec& sweep, const std::vector<GridPoint>& points, const SweepOptions& options);

}  // namespace ptlab::experiment
