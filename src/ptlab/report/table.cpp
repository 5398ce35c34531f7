#include "ptlab/report/table.hpp"

#include <fmt/format.h>

#include <cmath>

#include "ptlab/experiment/config.hpp"

namespace ptlab::report {
namespace {

std::string cell(double x, const char* spec = "{:.4f}") {
  return std::isfinite(x) ? fmt::format(fmt::runtime(spec), x) : "-";
}

std::string csv(double x) { return std::isfinite(x) ? fmt::format("{}", x) : ""; }

std::string status_cell(const experiment::PhaseRecord& p) {
  return p.status == train::Status::diverged ? fmt::format("diverged@{}", p.steps) : fmt::format("{}", p.steps);
}

}  // namespace

std::string seeds_csv(const experiment::ExperimentResult& result) {
  std::string out = std::string(kSeedsCsvHeader) + "\n";
  for (const auto& r : result.records) {
    const auto& u = r.upstream;
    const auto& t = r.transfer;
    const auto& s = r.scratch;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.seed,
                       r.valid() ? 1 : 0, train::to_string(u.status), u.steps, csv(u.train_error),
                       csv(u.test_error), train::to_string(t.status), t.steps, csv(t.train_loss),
                       csv(t.test_error), csv(t.test_error_true), train::to_string(s.status), s.steps,
                       csv(s.train_loss), csv(s.test_error), csv(s.test_error_true), r.filters_inherited,
                       csv(r.ntg), csv(r.ntg_observed), csv(r.wall_s));
  }
  return out;
}

std::string verdict(const experiment::Summary& summary) {
  const experiment::Stat& ntg = summary.at("ntg");
  if (ntg.n >= 2 && ntg.ci_high < 0) return "positive transfer";
  if (ntg.n >= 2 && ntg.ci_low > 0) return "negative transfer";
  return "no significant difference";
}

std::string text_table(const experiment::ExperimentResult& result, const std::string& title) {
  const auto& spec = result.spec;
  std::string out = fmt::format(
      "{}  (config {}, seeds {}..{}, {} thread{}, {:.2f} s)\n"
      "  d={} m={} n1={} n2={} |u|={} |v1|={} |v2|={} sigma_p1={} sigma_p2={} theta={} "
      "rule={} alpha={}{}\n\n",
      title, experiment::config_hash(spec), spec.seed, spec.seed + spec.seeds - 1, result.threads,
      result.threads == 1 ? "" : "s", result.wall_s, spec.frame.d, spec.model.m, spec.upstream.n,
      spec.downstream.n, spec.frame.norm_u, spec.upstream.norm_v, spec.downstream.norm_v,
      spec.upstream.sigma_p, spec.downstream.sigma_p, spec.frame.theta, transfer::to_string(spec.transfer.rule),
      spec.transfer.alpha, spec.transfer.freeze ? " (frozen)" : "");
  out += "  err = test error vs observed labels, err* = vs true labels; NTG = err*(transfer) - err*(scratch)\n";
  out += fmt::format("{:>6} | {:>8} {:>8} | {:>9} {:>8} {:>8} | {:>9} {:>8} {:>8} | {:>8} | {:>18}\n", "seed",
                     "up.train", "up.test", "tr.loss", "tr.err", "tr.err*", "sc.loss", "sc.err", "sc.err*",
                     "NTG", "steps up/tr/sc");
  for (const auto& r : result.records) {
    out += fmt::format("{:>6} | {:>8} {:>8} | {:>9} {:>8} {:>8} | {:>9} {:>8} {:>8} | {:>8} | {:>18}\n", r.seed,
                       cell(r.upstream.train_error), cell(r.upstream.test_error),
                       cell(r.transfer.train_loss, "{:.3g}"), cell(r.transfer.test_error),
                       cell(r.transfer.test_error_true), cell(r.scratch.train_loss, "{:.3g}"),
                       cell(r.scratch.test_error), cell(r.scratch.test_error_true), cell(r.ntg, "{:+.4f}"),
                       fmt::format("{}/{}/{}", status_cell(r.upstream), status_cell(r.transfer),
                                   status_cell(r.scratch)));
  }
  const auto& s = result.summary;
  out += fmt::format("\nsummary over {} valid seed{} ({} diverged, not averaged)\n", s.valid,
                     s.valid == 1 ? "" : "s", s.diverged);
  out += fmt::format("{:<26} {:>10} {:>10} {:>24}\n", "metric", "mean", "std", "95% CI");
  for (const auto& [name, st] : s.metrics) {
    const std::string ci = std::isfinite(st.ci_low) ? fmt::format("[{:.4g}, {:.4g}]", st.ci_low, st.ci_high) : "-";
    out += fmt::format("{:<26} {:>10} {:>10} {:>24}\n", name, cell(st.mean, "{:.4g}"), cell(st.std, "{:.3g}"), ci);
  }
  out += fmt::format("\nverdict: {}\n", verdict(s));
  return out;
}

}  // namespace ptlab::report
