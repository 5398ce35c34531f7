#include "ptlab/report/deep_table.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "ptlab/experiment/stats.hpp"

namespace ptlab::report {
namespace {

// The gain is −100·NTG in points: the one verdict rule reads an NTG summary.
experiment::Stat ntg_of(const experiment::Stat& gain) {
  return {gain.n, -gain.mean / 100.0, gain.std / 100.0, -gain.ci_high / 100.0, -gain.ci_low / 100.0};
}

// Lines without trailing blanks (a table's last column may be padded).
std::string trim_line_ends(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::size_t last = end;
    while (last > start && text[last - 1] == ' ') --last;
    out.append(text, start, last - start);
    if (end < text.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

// With 2 seeds the 95% t-interval is mean ± 12.7·sd/√2: printed, it reads as ±15 points of
// precision it does not have. Below kMinSeedsForCi the table gives the mean alone and says so.
constexpr int kMinSeedsForCi = 3;
bool meaningful(const experiment::Stat& g) { return g.n >= kMinSeedsForCi && std::isfinite(g.ci_low); }

std::string acc(const experiment::Stat& x) {
  return std::isfinite(x.std) ? fmt::format("{:.4f} ± {:.4f}", x.mean, x.std) : fmt::format("{:.4f}", x.mean);
}

std::string gain_cell(const experiment::Stat& g) {
  return meaningful(g) ? fmt::format("{:+.2f} [{:+.2f}, {:+.2f}]", g.mean, g.ci_low, g.ci_high)
                       : fmt::format("{:+.2f} (no CI: {} seed{})", g.mean, g.n, g.n == 1 ? "" : "s");
}

// The title and the lines that say what ran.
std::string header(const experiment::DeepResult& r, const std::string& title) {
  const auto& s = r.spec;
  const auto& d = s.downstream;
  const auto count = [](int per_class) { return per_class > 0 ? fmt::format("{}", per_class) : std::string("all"); };
  const auto many = [](int n, const char* what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); };
  const std::string upstream =
      !s.import_weights.empty()
          ? fmt::format("upstream imported from {}", s.import_weights)
          : fmt::format("upstream {}classes {} ({} per class, {})",
                        s.upstream.task == experiment::DeepTask::rotation ? "rotation prediction on " : "", fmt::join(s.upstream.classes, ","),
                        count(s.upstream.per_class), many(s.upstream.epochs, "epoch"));
  const bool cross = s.downstream_dataset && *s.downstream_dataset != s.dataset;
  // What the transfer runs do beyond copying (scratch never does any of it).
  std::string extras;
  if (s.norm_matched) extras += "; norm-matched random values (control)";
  if (s.shrink != 1.0 || s.perturb != 0.0) extras += fmt::format("; shrink {:g}, perturb {:g}", s.shrink, s.perturb);
  if (d.l2sp > 0) extras += fmt::format("; L2-SP lambda {:g}", d.l2sp);
  if (d.probe_epochs > 0)
    extras += d.probe_epochs == d.epochs ? std::string("; linear probe (head only)")
                                         : fmt::format("; LP-FT ({} first)", many(d.probe_epochs, "head-only epoch"));
  if (!d.block_lr.empty()) extras += fmt::format("; lr factors per block [{}]", fmt::join(d.block_lr, ", "));
  return fmt::format(
      "{}  ({}, {} on {}, {:.1f} s)\n  data: {}; {}; downstream {}classes {} ({} per class{}, {})\n"
      "  model: {}; transfer: rule={}{}{}{}\n\n",
      title, many(s.seeds, "seed"), many(r.threads, "thread"), r.device, r.wall_s, experiment::to_string(s.dataset), upstream,
      cross ? experiment::to_string(*s.downstream_dataset) + " " : "", fmt::join(d.classes, ","), count(d.per_class),
      d.val_fraction > 0 ? fmt::format(", {:g} of them held out for validation", d.val_fraction) : "",
      many(d.epochs, "epoch"),
      experiment::to_string(s.arch), experiment::to_string(s.rule),
      s.rule == experiment::DeepRule::blocks ? (s.freeze ? " frozen (AnB)" : " fine-tuned (AnB+)") : "",
      s.rule == experiment::DeepRule::channel
          ? fmt::format(", channels {}", s.select == experiment::DeepSelect::activation ? "by activation" : "random")
          : "",
      extras);
}

struct Row {
  std::string label;
  const experiment::DeepSummary* summary;
};

// The column heads and one line per row, padded to the widest label.
std::string rows(const std::string& head, const std::vector<Row>& rows, bool validated) {
  std::size_t width = std::max<std::size_t>(6, head.size());  // the width α columns always had
  for (const Row& row : rows) width = std::max(width, row.label.size());
  std::string out = fmt::format("  {:>{}} {:>18} {:>18} {:>30}  {:<8}", head, width, "scratch acc ± sd",
                                "transfer acc ± sd", "gain (points), 95% CI", "transfer");
  out += validated ? fmt::format("  {:>11} {:>12}\n", "scratch val", "transfer val") : "\n";
  for (const Row& row : rows) {
    const auto& x = *row.summary;
    out += fmt::format("  {:>{}} {:>18} {:>18} {:>30}  {:<8}", row.label, width, acc(x.scratch), acc(x.transfer),
                       gain_cell(x.gain),
                       meaningful(x.gain) ? experiment::verdict_short(experiment::ntg_verdict(ntg_of(x.gain))) : "?");
    out += validated ? fmt::format("  {:>11.4f} {:>12.4f}\n", x.scratch_val.mean, x.transfer_val.mean) : "\n";
  }
  return trim_line_ends(out);
}

// Whether every seed of the row scored exactly as scratch (α = 0 and k = 0 are the scratch run by
// construction): such a row says nothing a verdict could use.
bool same_as_scratch(const experiment::Stat& gain) {
  return gain.n > 0 && gain.mean == 0.0 && (gain.n == 1 || gain.std == 0.0);
}

// One verdict line, as `ptlab run` ends with: the row of the largest mean gain among those that
// differ from scratch (all rows when none does). It is the best of several, so its interval is
// optimistic (chosen on the same test set).
std::string verdict(const std::vector<Row>& all) {
  std::vector<Row> rows;
  for (const Row& row : all)
    if (!same_as_scratch(row.summary->gain)) rows.push_back(row);
  const bool left_out = !rows.empty() && rows.size() < all.size();
  if (rows.empty()) rows = all;
  const Row* best = nullptr;
  for (const Row& row : rows)
    if (std::isfinite(row.summary->gain.mean) && (best == nullptr || row.summary->gain.mean > best->summary->gain.mean))
      best = &row;
  if (best == nullptr) return "\nverdict: undetermined (no finished setting)\n";
  const experiment::Stat& g = best->summary->gain;
  if (!meaningful(g))
    return fmt::format("\nverdict: undetermined ({} seed{}; a 95% CI needs at least {}); largest mean gain {:+.2f} points "
                       "at {}\n", g.n, g.n == 1 ? "" : "s", kMinSeedsForCi, g.mean, best->label);
  const experiment::Verdict v = experiment::ntg_verdict(ntg_of(g));
  const char* relation = v == experiment::Verdict::helps ? "> 0" : v == experiment::Verdict::hurts ? "< 0" : "contains 0";
  return fmt::format("\nverdict: at {} (the largest mean gain of {} setting{}{}): {} (gain {:+.2f} points, 95% CI "
                     "[{:+.2f}, {:+.2f}] {})\n",
                     best->label, rows.size(), rows.size() == 1 ? "" : "s", !left_out ? "" : rows.size() == 1 ? " that differs from scratch" : " that differ from scratch",
                     experiment::verdict_text(v), g.mean, g.ci_low, g.ci_high, relation);
}

// The choice a practitioner can make without the test set: per seed, the setting of highest
// validation accuracy; its test gain is an honest estimate of that procedure.
std::string validation_choice(const std::vector<experiment::DeepRecord>& records, const std::string& name) {
  const experiment::DeepValidationChoice c = experiment::choose_by_validation(records);
  if (c.gain.n == 0) return "";
  std::map<double, int> times;
  for (const double x : c.settings) ++times[x];
  std::vector<std::string> chosen;
  for (const auto& [x, k] : times) chosen.push_back(fmt::format("{} = {:g} in {}", name, x, k));
  return fmt::format("chosen on validation (per seed, the {} of highest transfer validation accuracy): {} of {} seed{}; "
                     "test gain {}\n",
                     name, fmt::join(chosen, ", "), c.gain.n, c.gain.n == 1 ? "" : "s",
                     meaningful(c.gain) ? fmt::format("{:+.2f} points, 95% CI [{:+.2f}, {:+.2f}]", c.gain.mean,
                                                      c.gain.ci_low, c.gain.ci_high)
                                        : fmt::format("{:+.2f} points (no CI: {} seed{})", c.gain.mean, c.gain.n,
                                                      c.gain.n == 1 ? "" : "s"));
}

std::string footer(const experiment::DeepSpec& s) {
  std::string out =
      "\n  sd = standard deviation over seeds; transfer = the verdict of the gain's 95% CI (helps, hurts, n.s.;\n"
      "  ? = fewer than 3 seeds)\n"
      "  gain = 100 · (transfer − scratch accuracy) on the downstream test set; > 0 transfer helps (= −100·NTG)\n";
  if (s.downstream.val_fraction > 0)
    out += fmt::format("  acc = test split; val = mean accuracy on the validation images held out of the downstream "
                       "training set;\n  each run reports its {} epoch\n",
                       s.downstream.select_epoch == experiment::DeepEpochChoice::val ? "best-validation" : "last");
  return out;
}

}  // namespace

std::string deep_table(const experiment::DeepResult& r, const std::string& title) {
  const std::string name = r.spec.rule == experiment::DeepRule::blocks ? "k" : "alpha";
  std::vector<Row> table;
  for (const auto& row : r.summary) table.push_back({fmt::format("{:g}", row.setting), &row});
  std::string out = header(r, title) + rows(name, table, r.spec.downstream.val_fraction > 0);
  // The verdict names the setting as "alpha = 0.5".
  std::vector<Row> named;
  for (const auto& row : r.summary) named.push_back({fmt::format("{} = {:g}", name, row.setting), &row});
  out += verdict(named);
  if (r.spec.downstream.val_fraction > 0) out += validation_choice(r.records, name);
  return out + footer(r.spec);
}

std::string deep_baselines_table(const experiment::DeepResult& r, const std::vector<std::string>& names,
                                 const std::vector<std::vector<experiment::DeepRecord>>& records, const std::string& title) {
  std::vector<experiment::DeepSummary> summaries;
  for (const auto& rs : records) {
    experiment::DeepSpec one = r.spec;
    one.alphas = {rs.empty() ? 0.0 : rs.front().setting};
    one.rule = experiment::DeepRule::channel;
    auto s = experiment::summarize_deep(one, rs);
    summaries.push_back(s.empty() ? experiment::DeepSummary{} : s.front());
  }
  std::vector<Row> table;
  for (std::size_t i = 0; i < names.size(); ++i) table.push_back({names[i], &summaries[i]});
  return header(r, title) + rows("baseline", table, r.spec.downstream.val_fraction > 0) + verdict(table) + footer(r.spec);
}

std::string deep_records_csv(const experiment::DeepResult& result) {
  const auto cell = [](double x) { return std::isfinite(x) ? fmt::format("{}", x) : std::string(); };
  std::string out = fmt::format("seed,{},{}\n", experiment::deep_setting_key(result.spec), kDeepRecordsCsvColumns);
  for (const auto& r : result.records)
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", r.seed, r.setting, cell(r.upstream_accuracy),
                       cell(r.transfer_accuracy), cell(r.scratch_accuracy), cell(r.gain()), cell(r.copied_fraction),
                       cell(r.wall_s), cell(r.transfer_val_accuracy), cell(r.scratch_val_accuracy), r.transfer_epoch,
                       r.scratch_epoch);
  return out;
}

}  // namespace ptlab::report
