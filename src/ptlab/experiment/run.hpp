#pragma once
// One experiment: for each seed, upstream training on task 1 → transfer → downstream training on
// task 2 of the transfer model and of the paired scratch model (same downstream training data,
// test set and fresh-init stream). Records per seed and a summary over seeds.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ptlab/experiment/spec.hpp"
#include "ptlab/experiment/stats.hpp"
#include "ptlab/train/gd.hpp"
#include "ptlab/transfer/transfer.hpp"

namespace ptlab::experiment {

/// What one training phase produced (upstream, transfer or scratch).
struct PhaseRecord {
  train::Status status = train::Status::completed;
  int steps = 0;                ///< GD updates applied (for a diverged phase: the step it diverged)
  double train_loss = 0.0;      ///< final mean logistic loss on the training set
  double train_error = 0.0;     ///< against observed training labels
  double test_error = 0.0;      ///< on the phase's test set, against observed labels
  double test_error_true = 0.0; ///< against true labels ŷ
  std::vector<train::CurvePoint> curve;
  double wall_s = 0.0;          ///< wall-clock seconds of this phase (not part of the pure result)
  train::Backend backend = train::Backend::dense;  ///< the GD backend that ran (run.backend = "auto" resolved)
};

struct SeedRecord {
  std::uint64_t seed = 0;
  PhaseRecord upstream;  ///< test error on a fresh task-1 test set
  PhaseRecord transfer;  ///< downstream with inherited parameters
  PhaseRecord scratch;   ///< downstream from the fresh init alone
  int filters_inherited = 0;
  long long entries_inherited = 0;
  /// NTG = err_transfer − err_scratch on the downstream test set, against true labels
  /// (Wang et al. 2019); > 0 is negative transfer. NaN if any phase diverged.
  double ntg = 0.0;
  double ntg_observed = 0.0;  ///< the same against observed test labels
  double wall_s = 0.0;
  /// γ/ρ trajectories per phase (empty when dynamics.every = 0).
  dynamics::PhaseDynamics upstream_dynamics, transfer_dynamics, scratch_dynamics;
  /// False if any phase diverged: the seed is then reported, never averaged.
  bool valid() const;
};

/// A seed's record plus the final weights (for tests and dynamics).
struct SeedOutcome {
  SeedRecord record;
  /// Final weights, 2m × d each (2m × (3 + N₀) under reduced sampling: data/basis.hpp).
  model::Weights upstream_W, transfer_W, scratch_W;
  transfer::TransferResult transfer;                 ///< what was inherited
};

/// What the upstream phase of a seed leaves for the downstream phases.
struct UpstreamOutcome {
  model::Weights W;                   ///< final upstream weights, 2m × d
  PhaseRecord record;
  dynamics::PhaseDynamics dynamics;
  double bytes() const;               ///< memory held
};

/// Runs the upstream phase of a seed (task 1: data, init, GD).
UpstreamOutcome run_upstream(const ExperimentSpec& spec, std::uint64_t seed);

/// What the downstream phases of a seed start from, drawn exactly as run_seed draws them (and
/// nothing of the downstream test set): the signals and the upstream weights in the downstream
/// phase's coordinates, the downstream training set and the fresh initialisation.
struct DownstreamStart {
  data::Signals s1, s2;      ///< task 1 and task 2 signals, down_width × 1 each
  data::Dataset train;       ///< the n2 downstream training samples
  model::Weights fresh;      ///< the fresh initialisation, 2m × down_width
  model::Weights upstream;   ///< `upstream` padded with zeros to 2m × down_width (reduced sampling)
};
/// `upstream`: the weights run_upstream trained for this seed (2m × up_width).
DownstreamStart downstream_start(const ExperimentSpec& spec, std::uint64_t seed, const model::Weights& upstream);

class UpstreamCache;

/// Runs one seed. A pure function of (spec, seed), except for the wall times. With a cache, the
/// upstream phase is taken from it when another run with the same upstream config and seed
/// computed it (bit-identical to recomputing; its record keeps that run's wall time).
SeedOutcome run_seed_detailed(const ExperimentSpec& spec, std::uint64_t seed, UpstreamCache* cache = nullptr);
SeedRecord run_seed(const ExperimentSpec& spec, std::uint64_t seed, UpstreamCache* cache = nullptr);

/// The scratch phase alone (no upstream, no transfer): the same record as run_seed(spec,
/// seed).scratch, at about a third of the cost. For experiments on training from scratch.
PhaseRecord run_scratch(const ExperimentSpec& spec, std::uint64_t seed);

/// Metrics summarised over the valid seeds, in report order.
struct Summary {
  int seeds = 0;
  int valid = 0;
  int diverged = 0;
  std::vector<std::pair<std::string, Stat>> metrics;  ///< e.g. {"ntg", …}, {"transfer.test_error", …}
  /// "positive transfer" (95% CI of NTG below 0), "negative transfer" (above 0), "no significant
  /// difference" (CI contains 0) or "undetermined (fewer than 2 valid seeds)".
  std::string verdict;
  /// The metric `name`, one of those summarize() computes (another name is a programming error:
  /// PTLAB_FAIL aborts).
  const Stat& at(const std::string& name) const;
};
Summary summarize(const std::vector<SeedRecord>& records);

/// Peak bytes one seed holds (its four data sets, weights and GD buffers), estimated from the spec.
double estimated_bytes_per_seed(const ExperimentSpec& spec);

/// Bytes one finished seed's record holds (mostly its learning curves).
double estimated_record_bytes(const ExperimentSpec& spec);

/// Throws core::InputError naming the sizes if `concurrent` seeds at once, plus `records_held`
/// finished records, would need more than 90% of this machine's physical memory: a clear message
/// instead of an out-of-memory kill.
void check_memory(const ExperimentSpec& spec, int concurrent, int records_held = 0);

struct RunOptions {
  int seeds = 0;    ///< 0 = spec.seeds
  int threads = 0;  ///< worker threads over seeds; 0 = all hardware threads
  /// Called after each finished seed, from one thread at a time: (finished, total, record).
  std::function<void(int, int, const SeedRecord&)> progress;
  /// Upstream phases shared with other runs of the same upstream config (null: none); records are
  /// bit-identical either way.
  UpstreamCache* cache = nullptr;
};

struct ExperimentResult {
  ExperimentSpec spec;
  std::vector<SeedRecord> records;  ///< in seed order, whatever the thread count
  Summary summary;
  double wall_s = 0.0;
  int threads = 1;
};

/// Runs spec.seed, spec.seed + 1, … in parallel over seeds. Records are identical to a serial run.
/// Throws core::InputError (before any work) if the seeds would not fit in memory.
ExperimentResult run_experiment(const ExperimentSpec& spec, const RunOptions& options = {});

}  // namespace ptlab::experiment
