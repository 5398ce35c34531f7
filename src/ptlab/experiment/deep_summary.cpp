#include <cmath>
#include <map>

#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::experiment {
namespace {

std::vector<double> finite(const std::vector<double>& v) {
  std::vector<double> out;
  for (const double x : v)
    if (std::isfinite(x)) out.push_back(x);
  return out;
}

}  // namespace

std::vector<DeepSummary> summarize_deep(const DeepSpec& spec, const std::vector<DeepRecord>& records) {
  std::vector<DeepSummary> out;
  for (const double setting : deep_settings(spec)) {
    std::vector<double> sc, tr, gain, sc_val, tr_val;
    for (const auto& r : records)
      if (r.setting == setting) {
        sc.push_back(r.scratch_accuracy);
        tr.push_back(r.transfer_accuracy);
        gain.push_back(r.gain());
        sc_val.push_back(r.scratch_val_accuracy);
        tr_val.push_back(r.transfer_val_accuracy);
      }
    if (!sc.empty())
      out.push_back({setting, summarize(sc), summarize(tr), summarize(gain), summarize(finite(sc_val)),
                     summarize(finite(tr_val))});
  }
  return out;
}

DeepValidationChoice choose_by_validation(const std::vector<DeepRecord>& records) {
  // Per seed, the record of highest transfer validation accuracy (the first in record order on ties).
  std::map<std::uint64_t, const DeepRecord*> best;
  for (const auto& r : records) {
    if (!std::isfinite(r.transfer_val_accuracy)) continue;
    const auto [it, inserted] = best.emplace(r.seed, &r);
    if (!inserted && r.transfer_val_accuracy > it->second->transfer_val_accuracy) it->second = &r;
  }
  DeepValidationChoice c;
  std::vector<double> gains;
  for (const auto& [seed, r] : best) {
    c.seeds.push_back(seed);
    c.settings.push_back(r->setting);
    gains.push_back(r->gain());
  }
  c.gain = summarize(gains);
  return c;
}

}  // namespace ptlab::experiment
