#include "ptlab/core/rng.hpp"

#include <cmath>
#include <numbers>

#include "ptlab/core/error.hpp"

namespace ptlab::core {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Rng Rng::stream(std::uint64_t seed, Stream id) {
  return Rng(splitmix64(splitmix64(seed) ^ static_cast<std::uint64_t>(id)));
}

double Rng::uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  if (has_cached_) {
    has_cached_ = false;
    return cached_normal_;
  }
  // 1 - uniform() lies in (0, 1], so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
  const double angle = 2.0 * std::numbers::pi * uniform();
  cached_normal_ = radius * std::sin(angle);
  has_cached_ = true;
  return radius * std::cos(angle);
}

std::uint64_t Rng::below(std::uint64_t n) {
  PTLAB_ASSERT(n >= 1);
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t x = engine_();
  while (x >= limit) x = engine_();
  return x % n;
}

namespace {

// Gamma(a, 1) for a ≥ 1: Marsaglia–Tsang (2000) §2, with their squeeze before the logarithms.
double gamma_at_least_one(Rng& rng, double a) {
  const double d = a - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - rng.uniform();  // in (0, 1]: the logarithm is finite
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace

double chi_squared(Rng& rng, double k) {
  PTLAB_ASSERT(k > 0.0 && std::isfinite(k));
  const double a = 0.5 * k;
  if (a >= 1.0) return 2.0 * gamma_at_least_one(rng, a);
  // Shape below 1: Gamma(a) = Gamma(a + 1)·U^{1/a} (Marsaglia–Tsang §6).
  const double g = gamma_at_least_one(rng, a + 1.0);
  const double u = 1.0 - rng.uniform();
  return 2.0 * g * std::pow(u, 1.0 / a);
}

}  // namespace ptlab::core
