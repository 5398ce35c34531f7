#pragma once
// The deep advice benchmark (docs/advice.md, "The deep benchmark"): named task pairs on real images,
// each a deep config (a shipped base plus overrides), probed as `ptlab advise` does and then run in
// full for ground truth on the same seeds. A file's pairs form one part ([bench] part): shipped
// are configs/advise/deep_bench.toml (development) and configs/advise/deep_bench_heldout.toml
// (held-out). The decision rule's level and margin are the theory benchmark's.
#include <functional>
#include <string>
#include <vector>

#include "ptlab/advise/bench.hpp"
#include "ptlab/advise/deep_advise.hpp"

namespace ptlab::advise {

struct DeepBenchPair {
  std::string name;                   ///< unique, e.g. "random-label upstream, 10 per class"
  std::string kind;                   ///< the regime it stands for, e.g. "negative: random labels"
  double alpha = 1.0;                 ///< the pair's own α (channel rule, random; on the probe's grid)
  experiment::DeepSpec spec;          ///< base config with the pair's overrides; run.seeds = the bench's seeds
};

struct DeepBenchConfig {
  int seeds = 3;                      ///< paired seeds per pair: the probes' and the ground truth's
  /// Which part of the benchmark the file's pairs form: "development" (a calibration may be fitted
  /// on them) or "held-out" (scored only with what was fixed before they ran).
  std::string part = "held-out";
  DeepAdviseOptions advise;           ///< the options under test (advise.curve.seeds = seeds)
  /// The probe schedules measured, the first being advise.schedule (the one whose advice the
  /// policy metrics score); the others are measured side by side on the same pairs and truth.
  std::vector<DeepSchedule> schedules{DeepSchedule::compressed, DeepSchedule::prefix};
  std::vector<DeepBenchPair> pairs;
};

/// Whether a TOML file is a deep benchmark config (it has [[pair]] tables). False for files that
/// do not parse (the theory reader then reports them).
bool is_deep_bench(const std::string& path);

/// Reads a deep benchmark config: [bench] seeds, base (a deep config, relative to this file), part,
/// [probe] (folds, budget, max_cost, points, alphas, activation_alpha, tau, blocks, l2sp, shrink,
/// perturb, level, margin) and [[pair]] name, kind, alpha, set = ["key=value", …]. Throws
/// core::InputError naming the file, the pair and the key.
DeepBenchConfig load_deep_bench(const std::string& path);

/// The name of a schedule ("compressed", "prefix").
std::string to_string(DeepSchedule schedule);

/// Runs pairs [0, last): the probes under each schedule, the scores and the ground truth
/// (experiment::run_deep_candidates), sharing each seed's upstream through checkpoints in
/// `checkpoints` (required: pairs with the same upstream stage train it once). Returns the
/// outcomes per schedule (config.schedules order; the same truth and scores in each).
/// `progress(done, total)` after each pair; `message` gets one line per pair.
std::vector<std::vector<PairOutcome>> run_deep_bench(const DeepBenchConfig& config, int last, const std::string& checkpoints,
                                        const std::function<void(int, int)>& progress = {},
                                        const std::function<void(const std::string&)>& message = {});

}  // namespace ptlab::advise
