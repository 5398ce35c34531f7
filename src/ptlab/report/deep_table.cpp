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
  // With 2 seeds the 95% t-interval is mean ± 12.7·sd/√2: printed, it reads as ±15 points of
  // precision it does not have. Below kMinSeedsForCi the table gives the mean alone and says so.
  constexpr int kMinSeedsForCi = 3;
  const auto meaningful = [](const experiment::Stat& g) { return g.n >= kMinSeedsForCi && std::isfinite(g.ci_low); };
  for (const auto& row : r.summary) {
    const std::string ci =
        meaningful(row.gain) ? fmt::format("{:+.2f} [{:+.2f}, {:+.2f}]", row.gain.mean, row.gain.ci_low, row.gain.ci_high)
                             : fmt::format("{:+.2f} (no CI: {} seed{})", row.gain.mean, row.gain.n, row.gain.n == 1 ? "" : "s");
    out += fmt::format("  {:>6g} {:>18} {:>18} {:>30}  {}\n", row.setting, acc(row.scratch), acc(row.transfer), ci,
                       meaningful(row.gain) ? experiment::verdict_short(experiment::ntg_verdict(ntg_of(row.gain))) : "?");
  }
  // One verdict line, as `ptlab run` ends with: the setting of the largest mean gain. It is the
  // best of several, so its interval is optimistic (chosen on the same test set).
  const experiment::DeepSummary* best = nullptr;
  for (const auto& row : r.summary)
    if (std::isfinite(row.gain.mean) && (best == nullptr || row.gain.mean > best->gain.mean)) best = &row;
  if (best == nullptr) {
    out += "\nverdict: undetermined (no finished setting)\n";
  } else if (!meaningful(best->gain)) {
    out += fmt::format("\nverdict: undetermined ({} seed{}; a 95% CI needs at least {}); largest mean gain {:+.2f} points at {} = {:g}\n",
                       best->gain.n, best->gain.n == 1 ? "" : "s", kMinSeedsForCi, best->gain.mean, name, best->setting);
  } else {
    const experiment::Verdict v = experiment::ntg_verdict(ntg_of(best->gain));
    const char* relation = v == experiment::Verdict::helps ? "> 0" : v == experiment::Verdict::hurts ? "< 0" : "contains 0";
    out += fmt::format("\nverdict: at {} = {:g} (the largest mean gain of {} setting{}): {} (gain {:+.2f} points, 95% CI "
                       "[{:+.2f}, {:+.2f}] {})\n",
                       name, best->setting, r.summary.size(), r.summary.size() == 1 ? "" : "s", experiment::verdict_text(v),
                       best->gain.mean, best->gain.ci_low, best->gain.ci_high, relation);
  }
  out += "\n  sd = standard deviation over seeds; transfer = the verdict of the gain's 95% CI (helps, hurts, n.s.;\n"
         "  ? = fewer than 3 seeds)\n";
  out += "  gain = 100 · (transfer − scratch accuracy) on the downstream test set; > 0 transfer helps (= −100·NTG)\n";
  return out;
}

std::string deep_records_csv(const experiment::DeepResult& result) {
  const auto cell = [](double x) { return std::isfinite(x) ? fmt::format("{}", x) : std::string(); };
  std::string out = fmt::format("seed,{},{}\n", experiment::deep_setting_key(result.spec), kDeepRecordsCsvColumns);
  for (const auto& r : result.records)
    out += fmt::format("{},{},{},{},{},{},{},{}\n", r.seed, r.setting, cell(r.upstream_accuracy),
                       cell(r.transfer_accuracy), cell(r.scratch_accuracy), cell(r.gain()), cell(r.copied_fraction),
                       cell(r.wall_s));
  return out;
}

}  // namespace ptlab::report
