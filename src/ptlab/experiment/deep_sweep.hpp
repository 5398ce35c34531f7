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

#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/exec.hpp"
#include "ptlab/experiment/grid.hpp"
#include "ptlab/experiment/key_bounds.hpp"

namespace ptlab::experiment {

struct DeepSweepSpec {
  DeepSpec base;           ///< the config without the axes applied
  std::vector<Axis> axes;  ///< none for a plain deep config
  int seeds = 3;           ///< seeds per point: base.seed … base.seed + seeds − 1
};

using DeepGridPoint = GridPointOf<DeepSpec>;

/// Reads a deep config with or without a [sweep] table; `overrides` apply to the base config.
/// Throws core::InputError for anything parse_deep_config rejects, an axis with an unknown key, a
/// malformed range, a repeated key, an override of an axis key, or a value its key rejects.
DeepSweepSpec load_deep_sweep(const std::string& path, const std::vector<std::string>& overrides = {});
DeepSweepSpec parse_deep_sweep(const std::string& text, const std::string& source_name,
                               const std::vector<std::string>& overrides = {});

/// The grid, first axis slowest; a sweep without axes has one point, the base.
std::vector<DeepGridPoint> deep_grid(const DeepSweepSpec& sweep);

/// The study key of a deep sweep: "deep:" + deep_run_hash of the base config without its
/// settings (a study grows by α or k values as it grows by seeds) and the axis keys; its stored
/// axes end with deep_setting_key.
StudyKey study_key(const DeepSweepSpec& sweep);

/// How to run a deep sweep (not what).
struct DeepSweepRunOptions {
  Launch launch = Launch::threads;  ///< deep jobs run one at a time per process (LibTorch threads inside)
  int threads = 0;   ///< LibTorch threads per process; 0 = run.threads, or under MPI the node's cores / ranks
  Shard shard;
  RunCodec codec;    ///< for Launch::mpi
  std::string checkpoints;  ///< upstream checkpoints (DeepRunOptions::checkpoints); checked writable first
  std::function<void(const std::string&)> message;           ///< one line per finished stage
  std::function<void(std::int64_t, std::int64_t)> batches;   ///< within the current job
  /// Before each job of this process: (jobs started, jobs planned; 0 on MPI workers), the job.
  std::function<void(int, int, const Job&)> job_started;
};

/// What a deep sweep run reports besides the runs it put.
struct DeepSweepOutcome {
  ExecResult exec;
  std::string transfer_report;  ///< per-tensor report of the first transfer run with a setting > 0
  int threads = 1;              ///< LibTorch threads used
  std::string device = "cpu";
  std::vector<double> wall_s;   ///< per grid point: seconds spent in this call
};

/// Runs every (point, setting, seed) of the sweep not yet in the sink, into the sink: one job per
/// (point, seed), training the upstream once for all its pending settings. Throws
/// core::InputError before the sink is opened for anything check_deep rejects or an unwritable
/// checkpoint directory; a run that throws stops the sweep (runs already put stay).
DeepSweepOutcome run_deep_sweep(const DeepSweepSpec& sweep, const OpenSink& open_sink,
                                const DeepSweepRunOptions& options);

/// One grid point's results, for the table.
struct DeepPointResult {
  std::vector<std::string> values;  ///< axis values (TOML literals), in axis order
  DeepResult result;                ///< records of the point's settings and seeds, with their summary
};

/// Per grid point, in grid order: the given records (run hash, record) of its settings whose seed
/// is one of the sweep's, summarised; threads, device, wall time and the transfer report from
/// `outcome`. Records of other points or seeds are ignored.
std::vector<DeepPointResult> deep_point_results(const DeepSweepSpec& sweep,
                                                const std::vector<std::pair<std::string, DeepRecord>>& records,
                                                const DeepSweepOutcome& outcome);

/// The deep records a memory sink holds, as (run hash, record), in the order they were put.
std::vector<std::pair<std::string, DeepRecord>> deep_records(const MemorySink& sink);

/// The type of a deep config key (for linspace/logspace rounding); throws core::InputError for a
/// key that is not in configs/deep/fmnist_resnet.toml or cannot be an axis (lists).
KeyType deep_key_type(const std::string& key);

}  // namespace ptlab::experiment
