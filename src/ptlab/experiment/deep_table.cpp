#include <fmt/format.h>

#include <cmath>

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

std::string deep_table(const DeepResult& r, const std::string& title) {
  const auto& s = r.spec;
  const auto count = [](int per_class) { return per_class > 0 ? fmt::format("{}", per_class) : std::string("all"); };
  const std::string upstream =
      !s.import_weights.empty()
          ? fmt::format("upstream imported from {}", s.import_weights)
          : fmt::format("upstream {}classes {} ({} per class, {} epochs)",
                        s.upstream.task == DeepTask::rotation ? "rotation prediction on " : "", fmt::join(s.upstream.classes, ","),
                        count(s.upstream.per_class), s.upstream.epochs);
  std::string out = fmt::format(
      "{}  ({} seeds, {} threads on {}, {:.1f} s)\n  data: {}; {}; downstream classes {} ({} per class, {} epochs)\n"
      "  model: {}; transfer: rule={}{}{}\n\n",
      title, s.seeds, r.threads, r.device, r.wall_s, to_string(s.dataset), upstream, fmt::join(s.downstream.classes, ","),
      count(s.downstream.per_class), s.downstream.epochs, to_string(s.arch), to_string(s.rule),
      s.rule == DeepRule::blocks ? (s.freeze ? " frozen (AnB)" : " fine-tuned (AnB+)") : "",
      s.rule == DeepRule::channel ? fmt::format(", channels {}", s.select == DeepSelect::activation ? "by activation" : "random") : "");
  const std::string name = s.rule == DeepRule::blocks ? "k" : "alpha";
  out += fmt::format("  {:>6} {:>18} {:>18} {:>30}\n", name, "scratch acc", "transfer acc", "gain (points), 95% CI");
  const auto acc = [](const Stat& x) {
    return std::isfinite(x.std) ? fmt::format("{:.4f} ± {:.4f}", x.mean, x.std) : fmt::format("{:.4f}", x.mean);
  };
  for (const auto& row : r.summary) {
    const std::string ci = std::isfinite(row.gain.ci_low)
                               ? fmt::format("{:+.2f} [{:+.2f}, {:+.2f}]", row.gain.mean, row.gain.ci_low, row.gain.ci_high)
                               : fmt::format("{:+.2f} (no CI: 1 seed)", row.gain.mean);
    out += fmt::format("  {:>6g} {:>18} {:>18} {:>30}\n", row.setting, acc(row.scratch), acc(row.transfer), ci);
  }
  out += "\n  gain = 100 · (transfer − scratch accuracy) on the downstream test set; > 0 transfer helps (= −100·NTG)\n";
  return out;
}

}  // namespace ptlab::experiment
