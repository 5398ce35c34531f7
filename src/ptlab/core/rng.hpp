#pragma once
// Deterministic random streams. Every random quantity of a run comes from a stream derived from
// (seed, stream id), so a run is a pure function of (config, seed) whatever the thread count, and
// the same on every standard library: the engine (mt19937_64) is fully specified by the C++
// standard, and the uniform and normal transforms below are ours rather than the library's
// implementation-defined distributions.
#include <cstdint>
#include <random>

namespace ptlab::core {

/// Named sub-streams of one run. Adding a stream never changes the others.
enum class Stream : std::uint64_t {
  upstream_train = 1,
  upstream_test = 2,
  upstream_init = 3,
  downstream_train = 4,
  downstream_test = 5,
  downstream_init = 6,
  transfer_choice = 7,
  deep_training = 8,  // shuffling, augmentation and input noise of deep-net training
  bench_prior = 9,    // the advice benchmark's draw of task pairs (advise/bench_config.hpp)
  control_values = 10,  // the norm-matched control's random values (experiment/deep/stage.cpp)
};

/// SplitMix64 finaliser (Steele et al. 2014): a bijective 64-bit mix used to derive stream seeds.
std::uint64_t splitmix64(std::uint64_t x);

/// A random stream: uniform doubles in [0, 1), standard normals, uniform integers.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  /// The stream `id` of run `seed`; independent of every other (seed, id) pair.
  static Rng stream(std::uint64_t seed, Stream id);

  /// Uniform in [0, 1) with 53 random bits.
  double uniform();
  /// Standard normal N(0, 1) by the Box–Muller transform (pairs; the second value is cached).
  double normal();
  /// Uniform integer in [0, n), n ≥ 1, without modulo bias (rejection).
  std::uint64_t below(std::uint64_t n);

 private:
  std::mt19937_64 engine_;
  double cached_normal_ = 0.0;
  bool has_cached_ = false;
};

/// A chi-squared variate with `k` > 0 degrees of freedom (k need not be an integer; up to 10¹⁸),
/// drawn as 2·Gamma(k/2, 1) by Marsaglia and Tsang's squeeze method ("A simple method for
/// generating gamma variables", ACM TOMS 26(3), 2000, §2; for shape < 1 the boost of their §6:
/// Gamma(a) = Gamma(a + 1)·U^{1/a}). Built on Rng::uniform and Rng::normal, so a draw is the same on
/// every standard library. The norm² of a D-dimensional N(0, I) vector has this law with k = D,
/// which is what reduced-basis sampling draws instead of the vector.
double chi_squared(Rng& rng, double k);

}  // namespace ptlab::core
