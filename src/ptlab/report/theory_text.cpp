#include "ptlab/report/theory_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace ptlab::report {
namespace {

std::string num(double x, const char* spec = "{:.3g}") {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format(fmt::runtime(spec), x);
}

// A Markdown table cell: pipes escaped (‖u‖ is written ||u|| in plain text).
std::string md(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string ci(double lo, double hi) {
  if (std::isnan(lo) || std::isnan(hi)) return "n/a";
  return fmt::format("[{}, {}]", num(lo, "{:+.4g}"), num(hi, "{:+.4g}"));
}

}  // namespace

std::string theory_text(const experiment::ExperimentSpec& spec, const std::string& title) {
  const theory::Inputs in = theory::inputs_of(spec);
  std::string out = fmt::format("{}\n\n", title);
  out += "Training from scratch (Cao et al. 2022, Kou et al. 2023: benign when n||mu||^4 >~ sigma_p^4 d;\n"
         "the constant is unknown, so the verdict compares the ratio with 1, an order-of-magnitude boundary)\n\n";
  out += fmt::format("  {:<11}{:>6}{:>10}{:>9}{:>7}{:>10}{:>20}  {}\n", "task", "n", "||mu||", "sigma_p", "d", "SNR",
                     "n||mu||^4/(s^4d)", "verdict");
  const auto row = [&](const char* name, double n, double mu_sq, double sigma_p) {
    const theory::TaskRegime r = theory::task_regime(n, mu_sq, sigma_p, in.d);
    out += fmt::format("  {:<11}{:>6}{:>10}{:>9}{:>7}{:>10}{:>20}  {}\n", name, n, num(std::sqrt(mu_sq)), num(sigma_p),
                       in.d, num(r.snr), num(r.kou_ratio),
                       r.benign ? "benign: scratch should generalise" : "harmful: scratch memorises noise");
  };
  row("upstream", in.n1, in.mu1_sq(), in.sigma_p1);
  row("downstream", in.n2, in.mu2_sq(), in.sigma_p2);
  out += fmt::format("\n  ||mu_k||^2 = ||u||^2 + ||v_k||^2; <mu_1, mu_2> = {} (||u||^2 + ||v_1|| ||v_2|| cos theta)\n",
                     num(in.mu12()));
  out += "\nCandidate transfer indicators: OUR HYPOTHESES, not the paper's (docs/theory.md derives each;\n"
         "`ptlab verify` scores them). Larger = more positive transfer expected.\n\n";
  out += fmt::format("  {:<30}{:>10}  {:<36}{}\n", "indicator", "value", "prediction", "formula");
  for (const theory::Indicator& ind : theory::indicators()) {
    const double v = ind.value(in);
    std::string prediction = "(no predicted threshold)";
    if (std::isnan(v)) prediction = "undefined for this config";
    else if (!std::isnan(ind.threshold))
      prediction = v > ind.threshold ? fmt::format("positive transfer (> {:g})", ind.threshold)
                                     : fmt::format("negative transfer (<= {:g})", ind.threshold);
    if (in.alpha == 0.0) prediction = "none: alpha = 0 inherits nothing";
    out += fmt::format("  {:<30}{:>10}  {:<36}{}\n", ind.name, num(v), prediction, ind.formula);
  }
  out += fmt::format("\n  alpha = {:g}, training length T1 = {:g}, T2 = {:g} (no indicator uses T: see docs/theory.md)\n",
                     in.alpha, in.T1, in.T2);
  return out;
}

std::string verify_text(const verify::VerifyResult& r, bool markdown) {
  std::string out;
  if (markdown) {
    out += "| claim | source | experiment | statistic | value | 95% CI | criterion | supported |\n";
    out += "|---|---|---|---|---|---|---|---|\n";
    for (const auto& c : r.claims)
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | **{}** |\n", md(c.claim), md(c.source), md(c.experiment),
                         md(c.statistic), num(c.value, std::isnan(c.ci_low) ? "{:.4g}" : "{:+.4g}"),
                         ci(c.ci_low, c.ci_high), md(c.criterion), c.supported ? "yes" : "no");
    out += fmt::format("\nIndicators scored on {} points whose NTG 95% CI excludes 0 ({} undetermined points left out):\n\n",
                       r.points.size() - static_cast<std::size_t>(r.undetermined), r.undetermined);
    out += "| indicator (hypothesis) | formula | ROC AUC | fitted threshold | balanced accuracy there | balanced accuracy at the predicted threshold |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const auto& s : r.indicators)
      out += fmt::format("| {} | `{}` | {} | {} | {} | {} |\n", s.indicator.name, md(s.indicator.formula),
                         num(s.separation.auc), num(s.separation.threshold), num(s.separation.balanced_accuracy),
                         num(s.separation.predicted_accuracy));
    return out;
  }
  int supported = 0;
  for (const auto& c : r.claims) supported += c.supported ? 1 : 0;
  out += fmt::format("Claims: {} of {} supported ({} runs, {:.1f} s; base d = {}, m = {}, n1 = {}, n2 = {}, T = {})\n\n",
                     supported, r.claims.size(), r.runs, r.wall_s, r.base.frame.d, r.base.model.m, r.base.upstream.n,
                     r.base.downstream.n, r.base.downstream_train.steps);
  for (const auto& c : r.claims) {
    out += fmt::format("  [{}] {}\n", c.supported ? "supported" : "NOT supported", c.claim);
    out += fmt::format("      source:     {}\n", c.source);
    out += fmt::format("      experiment: {}\n", c.experiment);
    if (std::isnan(c.ci_low))
      out += fmt::format("      statistic:  {} = {:.4g}; criterion: {}\n", c.statistic, c.value, c.criterion);
    else
      out += fmt::format("      statistic:  {} = {}, 95% CI {}; criterion: {}\n", c.statistic, num(c.value, "{:+.4g}"),
                         ci(c.ci_low, c.ci_high), c.criterion);
  }
  out += fmt::format("\nIndicators (hypotheses) on {} points with a significant NTG sign ({} undetermined left out):\n\n",
                     r.points.size() - static_cast<std::size_t>(r.undetermined), r.undetermined);
  out += fmt::format("  {:<30}{:>8}{:>11}{:>10}{:>11}   {}\n", "indicator", "ROC AUC", "threshold", "bal.acc",
                     "acc@pred", "positive/negative points");
  for (const auto& s : r.indicators)
    out += fmt::format("  {:<30}{:>8}{:>11}{:>10}{:>11}   {}/{}\n", s.indicator.name, num(s.separation.auc),
                       num(s.separation.threshold), num(s.separation.balanced_accuracy),
                       num(s.separation.predicted_accuracy), s.separation.positive, s.separation.negative);
  return out;
}

}  // namespace ptlab::report
