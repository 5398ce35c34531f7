#include "ptlab/experiment/sampling.hpp"

#include <fmt/format.h>

#include "ptlab/core/error.hpp"

namespace ptlab::experiment {

long long model_vectors(const ExperimentSpec& spec, bool scratch_only) {
  const long long m2 = 2LL * spec.model.m;
  return scratch_only ? m2 + spec.downstream.n : 2 * m2 + spec.upstream.n + spec.downstream.n;
}

std::string reduced_invalid_reason(const ExperimentSpec& spec, bool scratch_only) {
  const long long n0 = model_vectors(spec, scratch_only);
  const long long D = static_cast<long long>(spec.frame.d) - 3;
  if (D < n0)
    return fmt::format("it needs d − 3 ≥ {} = {} (one direction per initial filter and training noise patch), "
                       "and d = {}", scratch_only ? "2m + n2" : "4m + n1 + n2", n0, spec.frame.d);
  if (!scratch_only && spec.transfer.rule == transfer::Rule::entry)
    return "transfer.rule = \"entry\" copies coordinates of the standard basis, which the reduced basis does not keep";
  return {};
}

data::Sampling resolve_sampling(const ExperimentSpec& spec, bool scratch_only) {
  const data::Sampling asked = spec.frame.sampling;
  if (asked == data::Sampling::direct) return asked;
  const std::string why = reduced_invalid_reason(spec, scratch_only);
  if (asked == data::Sampling::reduced) {
    if (!why.empty())
      throw core::InputError(fmt::format("data.sampling = \"reduced\" is not exact here: {}; expected "
                                         "data.sampling = \"direct\" (or \"auto\", which picks it)", why));
    return asked;
  }
  const bool narrower = 3 + model_vectors(spec, scratch_only) < spec.frame.d;
  return why.empty() && narrower ? data::Sampling::reduced : data::Sampling::direct;
}

SeedBases seed_bases(const ExperimentSpec& spec, bool scratch_only) {
  SeedBases b;
  b.sampling = resolve_sampling(spec, scratch_only);
  const int d = spec.frame.d, m2 = 2 * spec.model.m, n1 = spec.upstream.n, n2 = spec.downstream.n;
  if (b.sampling == data::Sampling::direct) {
    b.up_width = b.down_width = d;
    b.up_init = b.up_train = b.up_test = b.down_init = b.down_train = b.down_test = data::Basis::direct(d);
    return b;
  }
  const int down_first = scratch_only ? 0 : m2 + n1;
  b.up_width = 3 + m2 + n1;
  b.down_width = 3 + down_first + m2 + n2;
  b.up_init = data::Basis::model(d, b.up_width, 0);
  b.up_train = data::Basis::model(d, b.up_width, m2);
  b.up_test = data::Basis::test(d, b.up_width);
  b.down_init = data::Basis::model(d, b.down_width, down_first);
  b.down_train = data::Basis::model(d, b.down_width, down_first + m2);
  b.down_test = data::Basis::test(d, b.down_width);
  return b;
}

}  // namespace ptlab::experiment
