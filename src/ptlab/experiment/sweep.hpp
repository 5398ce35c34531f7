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

#include "ptlab/experiment/grid.hpp"
#include "ptlab/experiment/run.hpp"
#include "ptlab/experiment/runner.hpp"
#include "ptlab/experiment/spec.hpp"

namespace ptlab::experiment {

struct SweepSpec {
  ExperimentSpec base;     ///< the config with every key but the axes
  std::vector<Axis> axes;  ///< at least one
  int seeds = 10;          ///< seeds per point: base.seed .. base.seed + seeds − 1
};

using GridPoint = GridPointOf<ExperimentSpec>;

/// Reads a sweep config; `overrides` apply to the base config (not to the axes). Throws
/// core::InputError for anything parse_config rejects, a missing or empty [sweep] axis list, an
/// axis with an unknown key, no or several value forms, an empty or malformed range
/// (linspace/logspace need [start, stop, count ≥ 1]), a repeated key, or a value its key rejects.
SweepSpec load_sweep(const std::string& path, const std::vector<std::string>& overrides = {});
SweepSpec parse_sweep(const std::string& text, const std::string& source_name,
                      const std::vector<std::string>& overrides = {});

/// The grid, first axis slowest. Each point's spec has the axis values applied.
std::vector<GridPoint> grid(const SweepSpec& sweep);

/// The study key of a theory sweep: run_hash of the base config and the axis keys.
StudyKey study_key(const SweepSpec& sweep);

/// How to run a sweep (not what).
struct SweepRunOptions {
  Launch launch = Launch::threads;
  int threads = 0;  ///< threads runner: 0 = all hardware threads
  Shard shard;
  RunCodec codec;   ///< for Launch::mpi (store::run_codec())
  std::function<void(int, int)> progress;  ///< (runs put, runs planned)
};

/// Runs every (point, seed) of the sweep not yet in the sink, into the sink. Each record is
/// identical to run_seed(point.spec, seed) run alone; a run that throws is put as failed and
/// does not stop the sweep. Throws core::InputError before the sink is opened if one run would
/// not fit in memory, and before any run if one run per thread would not.
ExecResult run_sweep(const SweepSpec& sweep, const OpenSink& open_sink, const SweepRunOptions& options);

}  // namespace ptlab::experiment
