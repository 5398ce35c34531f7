#include "ptlab/data/basis.hpp"

#include <cmath>

#include "ptlab/core/error.hpp"

namespace ptlab::data {

std::string to_string(Sampling sampling) {
  switch (sampling) {
    case Sampling::direct: return "direct";
    case Sampling::reduced: return "reduced";
    case Sampling::automatic: return "auto";
  }
  return "?";
}

void draw_standard(const Basis& basis, int i, core::Rng& rng, double* out) {
  const int width = basis.width;
  if (!basis.reduced()) {
    for (int j = 0; j < width; ++j) out[j] = rng.normal();
    return;
  }
  PTLAB_ASSERT(width >= 3);
  for (int j = 0; j < 3; ++j) out[j] = rng.normal();
  double* q = out + 3;
  const int kept = width - 3;
  if (basis.first < 0) {  // a test vector: independent of every model vector
    for (int b = 0; b < kept; ++b) q[b] = rng.normal();
    return;
  }
  const int a = basis.first + i;
  PTLAB_ASSERT(a < kept && a < basis.D);
  for (int b = 0; b < a; ++b) q[b] = rng.normal();
  q[a] = std::sqrt(core::chi_squared(rng, static_cast<double>(basis.D - a)));
  for (int b = a + 1; b < kept; ++b) q[b] = 0.0;
}

}  // namespace ptlab::data
