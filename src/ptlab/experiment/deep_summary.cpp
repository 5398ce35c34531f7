#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::experiment {

std::vector<DeepSummary> summarize_deep(const DeepSpec& spec, const std::vector<DeepRecord>& records) {
  std::vector<DeepSummary> out;
  for (const double setting : deep_settings(spec)) {
    std::vector<double> sc, tr, gain;
    for (const auto& r : records)
      if (r.setting == setting) {
        sc.push_back(r.scratch_accuracy);
        tr.push_back(r.transfer_accuracy);
        gain.push_back(r.gain());
      }
    if (!sc.empty()) out.push_back({setting, summarize(sc), summarize(tr), summarize(gain)});
  }
  return out;
}

}  // namespace ptlab::experiment
