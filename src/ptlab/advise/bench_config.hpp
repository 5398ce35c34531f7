#pragma once
// The advice benchmark's configuration (docs/advice.md, "The benchmark"): how many theory task
// pairs, the prior they are drawn from, the development/held-out split, and the advise options
// under test. Shipped: configs/advise/theory_bench.toml.
#include <cstdint>
#include <string>
#include <vector>

#include "ptlab/advise/advise.hpp"
#include "ptlab/experiment/spec.hpp"

namespace ptlab::advise {

/// A closed range [lo, hi]; drawn uniformly or log-uniformly as each prior field says.
struct Range {
  double lo = 0.0, hi = 0.0;
};

/// The prior over task pairs. Every other config key is the shipped default (configs/paper.toml)
/// with BenchConfig::fixed applied.
struct BenchPrior {
  Range norm_u{0.0, 2.0};          ///< ‖u‖, uniform
  Range norm_v{0.25, 2.5};         ///< ‖v_1‖ and ‖v_2‖, each uniform
  Range theta{0.0, 180.0};         ///< θ in degrees, uniform
  Range n1{40, 300};               ///< log-uniform, rounded
  Range n2{12, 100};               ///< log-uniform, rounded
  Range sigma_p{0.5, 2.0};         ///< σ_(p,1) and σ_(p,2), each log-uniform
  Range p1{0.0, 0.3};              ///< upstream label noise, uniform when not zero
  double p1_zero = 0.5;            ///< probability that p_1 = 0
  Range d{300, 5000};              ///< log-uniform, rounded
  Range upstream_steps{200, 1500}; ///< log-uniform, rounded: short to long upstream training
  double separate = 0.5;           ///< probability of the separate layout
  std::vector<double> alpha{0.25, 0.5, 1.0};  ///< the pair's α, uniform over these (each on the probe's grid)
};

struct BenchConfig {
  int pairs = 300;         ///< task pairs 0 .. pairs − 1
  int dev = 100;           ///< pairs 0 .. dev − 1 form the development part; the rest is held out
  std::uint64_t seed = 1;  ///< seed of the prior's draws (pair i: its own stream)
  int seeds = 10;          ///< paired seeds per pair: the probes' and the ground truth's
  AdviseOptions advise;    ///< the options under test (advise.curve.seeds = seeds)
  /// Decision rules tried on the development part (every level × every margin, points); the
  /// held-out part is scored with the one of least development regret among those whose
  /// development negative-transfer avoidance is at least `min_avoidance`.
  std::vector<double> levels{0.975};
  std::vector<double> margins{0.0};
  double min_avoidance = 0.9;
  BenchPrior prior;
  std::vector<std::string> fixed;  ///< "key=value" overrides applied to every pair before the draws
};

/// Reads a benchmark config (TOML: [bench], [probe], [prior], as configs/advise/theory_bench.toml).
/// Throws core::InputError naming the file, the key and what was expected.
BenchConfig load_bench_config(const std::string& path);
BenchConfig parse_bench_config(const std::string& text, const std::string& source_name);

struct BenchPair {
  int index = 0;
  bool dev = false;                  ///< in the development part
  std::string name;                  ///< deep benchmark: the pair's name in its config ("" for theory pairs)
  experiment::ExperimentSpec spec;   ///< the drawn task pair; spec.transfer is the pair's α (filter rule)
};

/// Pair `index` of the benchmark: a pure function of (config, index).
BenchPair draw_pair(const BenchConfig& config, int index);

}  // namespace ptlab::advise
