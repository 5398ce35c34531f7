#include "ptlab/report/deep_table.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "ptlab/experiment/stats.hpp"

namespace ptlab::report {
namespace {

// The gain is −100·NTG in points: the one verdict rule reads an NTG summary.
experiment::Stat ntg_of(const experiment::Stat& gain) {
  return {gain.n, -gain.mean / 100.0, gain.std / 100.0, -gain.ci_high / 100.0, -gain.ci_low / 100.0};
}

}  // namespace

std::string deep_table(const experiment::DeepResult& r, const std::string& title) {
  const auto& s = r.spec;
  const auto count = [](int per_class) { return per_class > 0 ? fmt::format("{}", per_class) : std::string("all"); };
  const std::string upstream =
      !s.import_weights.empty()
          ? fmt::format("upstream imported from {}", s.import_weights)
          : fmt::format("upstream {}classes {} ({} per class, {} epochs)",
                        s.upstream.task == experiment::DeepTask::rotation ? "rotation prediction on " : "", fmt::join(s.upstream.classes, ","),
                        count(s.upstream.per_class), s.upstream.epochs);
  std::string out = fmt::format(
      "{}  ({} seeds, {} threads on {}, {:.1f} s)\n  data: {}; {}; downstream classes {} ({} per class, {} epochs)\n"
      "  model: {}; transfer: rule={}{}{}\n\n",
      title, s.seeds, r.threads, r.device, r.wall_s, experiment::to_string(s.dataset), upstream, fmt::join(s.downstream.classes, ","),
      count(s.downstream.per_class), s.downstream.epochs, experiment::to_string(s.arch), experiment::to_string(s.rule),
      s.rule == experiment::DeepRule::blocks ? (s.freeze ? " frozen (AnB)" : " fine-tuned (AnB+)") : "",
      s.rule == experiment::DeepRule::channel ? fmt::format(", channels {}", s.select == experiment::DeepSelect::activation ? "by activation" : "random") : "");
  const std::string name = s.rule == experiment::DeepRule::blocks ? "k" : "alpha";
  out += fmt::format("  {:>6} {:>18} {:>18} {:>30}  {}\n", name, "scratch acc ± sd", "transfer acc ± sd",
                     "gain (points), 95% CI", "transfer");
  const auto acc = [](const experiment::Stat& x) {
    return std::isfinite(x.std) ? fmt::format("{:.4f} ± {:.4f}", x.mean, x.std) : fmt::format("{:.4f}", x.mean);
  };
  for (const auto& row : r.summary) {
    const std::string ci = std::isfinite(row.gain.ci_low)
                               ? fmt::format("{:+.2f} [{:+.2f}, {:+.2f}]", row.gain.mean, row.gain.ci_low, row.gain.ci_high)
                               : fmt::format("{:+.2f} (no CI: 1 seed)", row.gain.mean);
    out += fmt::format("  {:>6g} {:>18} {:>18} {:>30}  {}\n", row.setting, acc(row.scratch), acc(row.transfer), ci,
                       experiment::verdict_short(experiment::ntg_verdict(ntg_of(row.gain))));
  }
  out += "\n  sd = standard deviation over seeds; transfer = the verdict of the gain's 95% CI (helps, hurts, n.s.)\n";
  out += "  gain = 100 · (transfer − scratch accuracy) on the downstream test set; > 0 transfer helps (= −100·NTG)\n";
  return out;
}

}  // namespace ptlab::report
