#include "ptlab/report/sweep_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ptlab::report {
namespace {

std::string stat_cell(const experiment::Stat& s) { return s.n > 0 ? fmt::format("{:.4f}", s.mean) : "-"; }

}  // namespace

std::string sweep_table(const std::vector<std::string>& axes, const std::vector<store::PointSummary>& points) {
  std::vector<std::size_t> widths;
  for (const auto& a : axes) {
    std::size_t w = a.size();
    for (const auto& p : points) w = std::max(w, p.values[widths.size()].size());
    widths.push_back(w);
  }
  std::string out = "  err* = test error vs true labels; NTG = err*(tr) - err*(sc); helps/hurts = 95% CI excludes 0\n\n";
  for (std::size_t a = 0; a < axes.size(); ++a) out += fmt::format("{:>{}}  ", axes[a], widths[a]);
  out += fmt::format("{:>4} {:>4} {:>4}  {:>8} {:>8}  {:>8}  {:>21}  {}\n", "done", "div", "fail", "err*(tr)", "err*(sc)",
                     "NTG", "95% CI", "transfer");
  for (const auto& p : points) {
    for (std::size_t a = 0; a < axes.size(); ++a) out += fmt::format("{:>{}}  ", p.values[a], widths[a]);
    const std::string ci =
        std::isfinite(p.ntg.ci_low) ? fmt::format("[{:+.4f}, {:+.4f}]", p.ntg.ci_low, p.ntg.ci_high) : "-";
    out += fmt::format("{:>4} {:>4} {:>4}  {:>8} {:>8}  {:>8}  {:>21}  {}\n", p.done, p.diverged, p.failed,
                       stat_cell(p.transfer_test_error_true), stat_cell(p.scratch_test_error_true),
                       p.ntg.n > 0 ? fmt::format("{:+.4f}", p.ntg.mean) : "-", ci,
                       experiment::verdict_short(experiment::ntg_verdict(p.ntg)));
  }
  return out;
}

}  // namespace ptlab::report
