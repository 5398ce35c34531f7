#include "ptlab/report/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/sampling.hpp"

namespace ptlab::report {
namespace {

std::string cell(double x, const char* spec = "{:.4f}") {
  return std::isfinite(x) ? fmt::format(fmt::runtime(spec), x) : "-";
}

std::string csv(double x) { return std::isfinite(x) ? fmt::format("{}", x) : ""; }

std::string status_cell(const experiment::PhaseRecord& p) {
  return p.status == train::Status::diverged ? fmt::format("diverged@{}", p.steps) : fmt::format("{}", p.steps);
}

// Format of a summary metric: losses in scientific notation, errors and gaps to 4 decimals.
const char* metric_format(const std::string& name) {
  if (name.find("loss") != std::string::npos) return "{:.3e}";
  if (name.find("steps") != std::string::npos) return "{:.1f}";
  if (name == "wall_s") return "{:.2f}";
  return "{:.4f}";
}

// The transfer settings; shrink-and-perturb and L2-SP only when set (so default headers keep
// their text).
std::string transfer_text(const transfer::TransferOptions& t, double l2sp) {
  std::string s = "rule=" + transfer::to_string(t.rule);
  switch (t.rule) {
    case transfer::Rule::filter:
    case transfer::Rule::entry:
    case transfer::Rule::oracle: s += fmt::format(" alpha={}", t.alpha); break;
    case transfer::Rule::activation: s += fmt::format(" tau={}", t.tau); break;
    case transfer::Rule::layer: break;
  }
  s += t.freeze ? " frozen" : " fine-tuned";
  if (t.shrink != 1.0 || t.perturb != 0.0) s += fmt::format(" shrink={} perturb={}", t.shrink, t.perturb);
  if (l2sp > 0.0) s += fmt::format(" l2sp={}", l2sp);
  return s;
}

// "span" or, when run.backend = "auto", what it resolved to per phase: "auto: span/span/span".
std::string backend_text(const experiment::ExperimentResult& result) {
  const std::string requested = train::to_string(result.spec.backend);
  if (result.records.empty()) return requested;
  const auto& r = result.records.front();
  const std::string used =
      result.spec.scratch_only()
          ? fmt::format("{} (scratch only)", train::to_string(r.scratch.backend))
          : fmt::format("{}/{}/{} (upstream/transfer/scratch)", train::to_string(r.upstream.backend),
                        train::to_string(r.transfer.backend), train::to_string(r.scratch.backend));
  return result.spec.backend == train::Backend::automatic ? "auto: " + used : used;
}

// "direct", "reduced", or what "auto" resolved to: "auto: reduced" (the two draw different
// experiments of the same law, so a reader must know which ran).
std::string sampling_text(const experiment::ExperimentSpec& spec) {
  const data::Sampling used = experiment::resolve_sampling(spec, spec.scratch_only());
  return spec.frame.sampling == data::Sampling::automatic ? "auto: " + data::to_string(used) : data::to_string(used);
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
  if (ntg.n < 2) return summary.verdict;
  const experiment::Verdict v = experiment::ntg_verdict(ntg);
  const char* relation = v == experiment::Verdict::helps ? "< 0" : v == experiment::Verdict::hurts ? "> 0" : "contains 0";
  return fmt::format("{} (NTG {:+.4f}, 95% CI [{:+.4f}, {:+.4f}] {})", summary.verdict, ntg.mean, ntg.ci_low,
                     ntg.ci_high, relation);
}

std::string text_table(const experiment::ExperimentResult& result, const std::string& title) {
  const auto& spec = result.spec;
  const auto& up = spec.upstream;
  const auto& down = spec.downstream;
  std::string out = fmt::format(
      "{}  (config {}, seeds {}..{}, {} thread{}, {:.2f} s)\n"
      "  d={} m={} {} sigma_0={} |u|={} theta={}\n"
      "  upstream:   n1={} |v1|={} sigma_p1={} p1={} eta={} steps={}\n"
      "  downstream: n2={} |v2|={} sigma_p2={} p2={} eta={} steps={}\n"
      "  transfer:   {}\n"
      "  backend:    {}\n"
      "  sampling:   {}\n\n",
      title, experiment::config_hash(spec), spec.seed, spec.seed + spec.seeds - 1, result.threads,
      result.threads == 1 ? "" : "s", result.wall_s, spec.frame.d, spec.model.m,
      model::to_string(spec.model.activation), spec.model.sigma_0, spec.frame.norm_u, spec.frame.theta, up.n,
      up.norm_v, up.sigma_p, up.p, spec.upstream_train.eta, spec.upstream_train.steps, down.n, down.norm_v,
      down.sigma_p, down.p, spec.downstream_train.eta, spec.downstream_train.steps, transfer_text(spec.transfer, spec.downstream_train.l2sp),
      backend_text(result), sampling_text(spec));
  out +=
      "  up = upstream model (task 1); tr = downstream with transfer; sc = downstream from scratch (task 2)\n"
      "  loss = final training loss; err = test error vs observed labels; err* = vs true labels\n"
      "  NTG = err*(tr) - err*(sc): < 0 transfer helps, > 0 negative transfer\n";
  std::size_t w = 4;
  for (const auto& r : result.records) w = std::max(w, fmt::format("{}", r.seed).size());
  const std::string row = fmt::format("{{:>{}}} | {{:>8}} {{:>8}} | {{:>9}} {{:>8}} {{:>8}} | {{:>9}} {{:>8}} {{:>8}} | {{:>8}} | {{:>18}}\n", w);
  out += fmt::format(fmt::runtime(row), "seed", "up.train", "up.test", "tr.loss", "tr.err", "tr.err*",
                     "sc.loss", "sc.err", "sc.err*", "NTG", "steps up/tr/sc");
  for (const auto& r : result.records) {
    out += fmt::format(fmt::runtime(row), r.seed, cell(r.upstream.train_error), cell(r.upstream.test_error),
                       cell(r.transfer.train_loss, "{:.2e}"), cell(r.transfer.test_error),
                       cell(r.transfer.test_error_true), cell(r.scratch.train_loss, "{:.2e}"),
                       cell(r.scratch.test_error), cell(r.scratch.test_error_true), cell(r.ntg, "{:+.4f}"),
                       fmt::format("{}/{}/{}", status_cell(r.upstream), status_cell(r.transfer),
                                   status_cell(r.scratch)));
  }
  const auto& s = result.summary;
  out += fmt::format("\nsummary over {} valid seed{} ({} diverged, not averaged)\n", s.valid,
                     s.valid == 1 ? "" : "s", s.diverged);
  out += fmt::format("{:<26} {:>11} {:>10} {:>26}\n", "metric", "mean", "std", "95% CI");
  for (const auto& [name, st] : s.metrics) {
    const char* f = metric_format(name);
    const std::string ci = std::isfinite(st.ci_low)
                               ? fmt::format("[{}, {}]", cell(st.ci_low, f), cell(st.ci_high, f))
                               : "-";
    out += fmt::format("{:<26} {:>11} {:>10} {:>26}\n", name, cell(st.mean, f), cell(st.std, f), ci);
  }
  out += fmt::format("\nverdict: {}\n", verdict(s));
  return out;
}

}  // namespace ptlab::report
