#pragma once
// `ptlab deep`: the deep-net transfer experiment (docs/design.md §3), the real-data counterpart of
// experiment/run.hpp. Free of LibTorch headers; the implementation is in the deep half.
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/stats.hpp"

namespace ptlab::experiment {

/// One epoch of a training stage (train/deep's EpochRecord without LibTorch).
struct DeepEpoch {
  int epoch = 0;
  double train_loss = 0.0;      ///< mean cross-entropy over the epoch's batches
  double train_accuracy = 0.0;  ///< on the batches as trained (augmented, noisy, noisy labels)
  double test_accuracy = 0.0;   ///< clean test set
  double val_accuracy = std::numeric_limits<double>::quiet_NaN();  ///< validation set (NaN: none, or not evaluated)
};

/// One seed at one transfer setting (α, or k for the blocks rule).
struct DeepRecord {
  std::uint64_t seed = 0;
  double setting = 0.0;              ///< α or k
  double upstream_accuracy = 0.0;    ///< upstream test accuracy (NaN when imported)
  double transfer_accuracy = 0.0;    ///< downstream test accuracy with transfer
  double scratch_accuracy = 0.0;     ///< the paired scratch run (same data, init and order)
  double copied_fraction = 0.0;      ///< entries copied / entries of the downstream model
  /// Validation accuracies (downstream.val_fraction > 0; NaN otherwise) at the reported epochs.
  double transfer_val_accuracy = std::numeric_limits<double>::quiet_NaN();
  double scratch_val_accuracy = std::numeric_limits<double>::quiet_NaN();
  /// The epochs the accuracies come from (downstream.select_epoch; 0 when not known, as in records
  /// stored before epoch selection existed).
  int transfer_epoch = 0, scratch_epoch = 0;
  double wall_s = 0.0;
  std::vector<DeepEpoch> upstream_curve;  ///< empty when the upstream weights were imported
  std::vector<DeepEpoch> transfer_curve, scratch_curve;
  /// Accuracy gain in points: 100 · (transfer − scratch); > 0 transfer helps (= −100·NTG).
  double gain() const { return 100.0 * (transfer_accuracy - scratch_accuracy); }
};

struct DeepSummary {
  double setting = 0.0;
  Stat scratch, transfer, gain;  ///< accuracies in [0, 1]; gain in points
  Stat scratch_val, transfer_val;  ///< validation accuracies (n = 0 without a validation set)
};

struct DeepResult {
  DeepSpec spec;
  std::vector<DeepRecord> records;
  std::vector<DeepSummary> summary;  ///< per setting, in config order
  std::string transfer_report;       ///< the per-tensor report of the first transfer (seed 0, first setting > 0)
  int threads = 1;
  std::string device = "cpu";        ///< where the models trained ("cpu" or "cuda")
  double wall_s = 0.0;
};

/// How to run (not what): hooks for stores and progress displays, and where checkpoints go.
struct DeepRunOptions {
  /// A directory for upstream checkpoints: the trained upstream weights of each seed are saved
  /// there (DIR/upstream-HASH-seedS.pt, a weights archive that transfer.import also reads, plus
  /// a .json with its accuracy and curve) and loaded instead of retrained when present. "" = none.
  std::string checkpoints;
  /// Settings for which skip(seed, setting) is true are not run (e.g. already in a store); a seed
  /// whose settings are all skipped trains nothing.
  std::function<bool(std::uint64_t, double)> skip;
  /// Called with each record as soon as it is finished.
  std::function<void(const DeepRecord&)> on_record;
  /// One short line per finished stage.
  std::function<void(const std::string&)> message;
  /// (batches done, batches in total) after every training batch. The total shrinks by a run's
  /// batches when that run turns out not to need training (a setting that inherits nothing).
  std::function<void(std::int64_t, std::int64_t)> batches;
};

/// A checkpoint directory ("" = none) that exists or can be created and takes files; checked before
/// any training. Throws core::InputError naming it and why.
void check_checkpoints(const std::string& dir);

/// Whether this build has the deep half (LibTorch).
bool deep_available();

/// Runs the experiment: per seed, upstream training (or import, or a checkpoint), then per
/// setting a transfer run and, once per seed, the scratch run. Throws core::InputError for
/// missing data files or weights, run.device = "cuda" without a GPU; without LibTorch, says so.
DeepResult run_deep(const DeepSpec& spec, const DeepRunOptions& options = {});

/// The paired runs of several candidates on the seeds of `base`: per seed, the upstream once
/// (trained, from a checkpoint or imported), the scratch run once, then one transfer run per
/// candidate, each exactly the run `run_deep(candidate)` makes (same data, fresh weights, order).
/// A candidate is `base` with one setting and its own transfer settings (rule, select, freeze,
/// shrink, perturb) and downstream.l2sp; anything else differing is a programming error. Returns
/// per candidate its records in seed order. Used by `ptlab advise --validate` and the advice
/// benchmark; throws as run_deep.
/// `meta`, when given, receives the threads, device and wall time of the runs (no records).
std::vector<std::vector<DeepRecord>> run_deep_candidates(const DeepSpec& base, const std::vector<DeepSpec>& candidates,
                                                         const DeepRunOptions& options = {}, DeepResult* meta = nullptr);

/// A named fine-tuning baseline or control, paired with scratch like every transfer setting.
struct DeepBaseline {
  std::string name;  ///< e.g. "alpha = 0.5", "linear probe (alpha = 1)"
  DeepSpec spec;     ///< the config's spec with one setting and the baseline's transfer options
};

/// The comparison of `ptlab deep --baselines`: each setting of the config as it is, then at α = 1
/// of the channel rule: the norm-matched random control (Raghu et al. 2019), shrink and perturb
/// 0.5/0.1 (Ash & Adams 2020), L2-SP λ = 0.1 (Li et al. 2018), a linear probe and LP-FT with half
/// the epochs probing (Kumar et al. 2022), and learning-rate factors per block rising
/// geometrically from 0.1 at the first block to 1 at the head (Howard & Ruder 2018). Each spec
/// shares its upstream and scratch runs with `spec` (run_deep_candidates). Needs the model's
/// blocks: without LibTorch, says so.
std::vector<DeepBaseline> deep_baselines(const DeepSpec& spec);

/// Checks what only the data and the models can tell, before anything trains or is stored: the
/// classes exist in the data set, each class has per_class training images, k of the blocks
/// rule is at most the model's blocks before the head, the device exists, and transfer.import
/// matches the model. Throws core::InputError naming the key; without LibTorch, says so.
void check_deep(const DeepSpec& spec);

/// The summary rows (per setting, in config order) of a set of records.
std::vector<DeepSummary> summarize_deep(const DeepSpec& spec, const std::vector<DeepRecord>& records);

/// The setting chosen without the test set: per seed, the setting whose transfer run has the
/// highest validation accuracy, and the test gain those choices give (what a practitioner who
/// picks α on validation data gets). Empty (gain.n = 0) without validation accuracies.
struct DeepValidationChoice {
  std::vector<std::uint64_t> seeds;
  std::vector<double> settings;  ///< per seed, in seed order
  Stat gain;                     ///< test gain in points of the chosen settings
};
DeepValidationChoice choose_by_validation(const std::vector<DeepRecord>& records);

}  // namespace ptlab::experiment
