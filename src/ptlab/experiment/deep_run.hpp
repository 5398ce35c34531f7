#pragma once
// `ptlab deep`: the deep-net transfer experiment (DESIGN.md §2), the real-data counterpart of
// experiment/run.hpp. Free of LibTorch headers; the implementation is in the deep half.
#include <functional>
#include <string>
#include <vector>

#include "ptlab/experiment/deep_spec.hpp"
#include "ptlab/experiment/stats.hpp"

namespace ptlab::experiment {

/// One seed at one transfer setting (α, or k for the blocks rule).
struct DeepRecord {
  std::uint64_t seed = 0;
  double setting = 0.0;              ///< α or k
  double upstream_accuracy = 0.0;    ///< upstream test accuracy (NaN when imported)
  double transfer_accuracy = 0.0;    ///< downstream test accuracy with transfer
  double scratch_accuracy = 0.0;     ///< the paired scratch run (same data, init and order)
  double copied_fraction = 0.0;      ///< entries copied / entries of the downstream model
  double wall_s = 0.0;
  /// Accuracy gain in points: 100 · (transfer − scratch); > 0 transfer helps (= −100·NTG).
  double gain() const { return 100.0 * (transfer_accuracy - scratch_accuracy); }
};

struct DeepSummary {
  double setting = 0.0;
  Stat scratch, transfer, gain;  ///< accuracies in [0, 1]; gain in points
};

struct DeepResult {
  DeepSpec spec;
  std::vector<DeepRecord> records;
  std::vector<DeepSummary> summary;  ///< per setting, in config order
  std::string transfer_report;       ///< the per-tensor report of the first transfer (seed 0, first setting > 0)
  int threads = 1;
  double wall_s = 0.0;
};

/// Whether this build has the deep half (LibTorch).
bool deep_available();

/// Runs the experiment: per seed, upstream training (or import), then per setting a transfer run
/// and, once per seed, the scratch run. `progress(message)` gets one short line per finished
/// stage. Throws core::InputError for missing data files or weights; without LibTorch, says so.
DeepResult run_deep(const DeepSpec& spec, const std::function<void(const std::string&)>& progress = {});

/// The paper-style table: per setting, scratch and transfer accuracy and the gain with its 95% CI.
std::string deep_table(const DeepResult& result, const std::string& title);

}  // namespace ptlab::experiment
