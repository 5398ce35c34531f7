#include "ptlab/transfer/controls.hpp"

#include <fmt/format.h>

#include "ptlab/core/error.hpp"

namespace ptlab::transfer {

model::Weights norm_matched(const model::Weights& fresh, const model::Weights& reference) {
  PTLAB_ASSERT(fresh.rows() == reference.rows() && fresh.cols() == reference.cols());
  model::Weights out = fresh;
  for (Eigen::Index j = 0; j < fresh.rows(); ++j) {
    const double norm = fresh.row(j).norm();
    if (norm > 0.0) out.row(j) *= reference.row(j).norm() / norm;
  }
  return out;
}

model::Weights shrink_perturb(const model::Weights& inherited, const model::Weights& fresh, double lambda,
                              double noise_scale) {
  PTLAB_ASSERT(inherited.rows() == fresh.rows() && inherited.cols() == fresh.cols());
  PTLAB_CHECK(lambda >= 0.0 && lambda <= 1.0,
              fmt::format("shrink-and-perturb: lambda = {}; expected a number in [0, 1]", lambda));
  PTLAB_CHECK(noise_scale >= 0.0, fmt::format("shrink-and-perturb: noise = {}; expected a number ≥ 0", noise_scale));
  return lambda * inherited + noise_scale * fresh;
}

}  // namespace ptlab::transfer
