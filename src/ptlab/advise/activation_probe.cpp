#include "ptlab/advise/activation_probe.hpp"

#include <fmt/format.h>

#include "ptlab/core/error.hpp"
#include "ptlab/model/features.hpp"
#include "ptlab/transfer/transfer.hpp"

namespace ptlab::advise {

ActivationProbe activation_probe(const model::Weights& upstream, const data::Dataset& train, double tau) {
  PTLAB_CHECK(tau > 0.0 && tau <= 1.0, fmt::format("activation probe: tau = {}; expected a number in (0, 1]", tau));
  PTLAB_CHECK(train.n() > 0, "activation probe: the downstream training set is empty; expected at least 1 sample");
  ActivationProbe probe;
  probe.tau = tau;
  probe.n = train.n();
  probe.active_counts = model::active_counts(upstream, train);
  probe.selected = transfer::active_filters(upstream, train, tau);
  probe.implied_alpha = static_cast<double>(probe.selected.size()) / static_cast<double>(upstream.rows());
  return probe;
}

}  // namespace ptlab::advise
