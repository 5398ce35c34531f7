#include "ptlab/verify/claims.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "ptlab/experiment/detail/parallel.hpp"
#include "ptlab/experiment/run.hpp"
#include "ptlab/experiment/runner.hpp"
#include "ptlab/experiment/upstream_cache.hpp"

namespace ptlab::verify {
namespace {

using experiment::ExperimentSpec;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Point {
  std::string group;  // which claim
  std::string label;
  double x = 0.0;     // the claim's x value
  ExperimentSpec spec;
  bool scratch_only = false;
  int seeds = 0;
  std::vector<experiment::SeedRecord> records;    // full
  std::vector<experiment::PhaseRecord> scratch;   // scratch only
};

std::string values_text(const std::vector<double>& v) {
  std::string s;
  for (const double x : v) s += (s.empty() ? "" : ", ") + fmt::format("{:g}", x);
  return "{" + s + "}";
}

// Least squares y ≈ a + b·x: returns (b, a).
std::pair<double, double> ols(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
  const double b = sxy / sxx;
  return {b, my - b * mx};
}

// Per-seed slopes of NTG against x over a claim's points (seeds paired across points), then the
// mean slope with its t CI over seeds: a paired design, so the seed effect cancels.
experiment::Stat seed_slopes(const std::vector<const Point*>& points, bool log2_x) {
  std::vector<double> slopes;
  const std::size_t seeds = points.front()->records.size();
  for (std::size_t s = 0; s < seeds; ++s) {
    std::vector<double> x, y;
    for (const Point* p : points) {
      if (!p->records[s].valid()) continue;
      x.push_back(log2_x ? std::log2(p->x) : p->x);
      y.push_back(p->records[s].ntg);
    }
    if (x.size() < 2) continue;
    slopes.push_back(ols(x, y).first);
  }
  return experiment::summarize(slopes);
}

std::vector<double> ntg_values(const Point& p) {
  std::vector<double> v;
  for (const auto& r : p.records)
    if (r.valid()) v.push_back(r.ntg);
  return v;
}

}  // namespace

Slope fit_slope(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 3) throw std::invalid_argument("fit_slope: needs ≥ 3 paired points");
  const double n = static_cast<double>(x.size());
  Slope s;
  std::tie(s.slope, s.intercept) = ols(x, y);
  double mx = 0, sxx = 0;
  for (const double v : x) mx += v / n;
  for (const double v : x) sxx += (v - mx) * (v - mx);
  double sse = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double e = y[i] - (s.intercept + s.slope * x[i]);
    sse += e * e;
  }
  const double se = std::sqrt(sse / (n - 2) / sxx);
  const double t = experiment::student_t_quantile(0.975, n - 2);
  s.ci_low = s.slope - t * se;
  s.ci_high = s.slope + t * se;
  return s;
}

double crossing(const std::vector<double>& x, const std::vector<double>& y, double level) {
  for (std::size_t i = 0; i + 1 < x.size(); ++i)
    if (y[i] >= level && y[i + 1] < level) return x[i] + (x[i + 1] - x[i]) * (y[i] - level) / (y[i] - y[i + 1]);
  return kNaN;
}

ExperimentSpec base_spec(bool quick) {
  ExperimentSpec s;  // the built-in default = configs/paper.toml
  s.dynamics.every = 0;
  if (quick) {
    // Same regimes at a fifth of d: upstream n1‖μ1‖⁴/(σ⁴d) = 0.5 (paper 0.4), downstream 0.1 (0.04).
    s.frame.d = 400;
    s.frame.n_test = 500;
    s.model.m = 10;
    s.upstream.n = 50;
    s.downstream.n = 10;
    s.upstream_train.steps = s.downstream_train.steps = 300;
    s.curve_every = 300;
  } else {
    s.curve_every = 1000;
  }
  return s;
}

std::vector<IndicatorScore> score_indicators(const std::vector<PointResult>& points, int* undetermined) {
  std::vector<bool> positive;
  std::vector<const PointResult*> used;
  int skipped = 0;
  for (const PointResult& p : points) {
    const experiment::Verdict v = experiment::ntg_verdict(p.ntg);
    if (v == experiment::Verdict::helps || v == experiment::Verdict::hurts) {
      used.push_back(&p);
      positive.push_back(v == experiment::Verdict::helps);
    } else {
      ++skipped;
    }
  }
  if (undetermined != nullptr) *undetermined = skipped;
  std::vector<IndicatorScore> out;
  for (const theory::Indicator& ind : theory::indicators()) {
    std::vector<double> values;
    for (const PointResult* p : used) values.push_back(ind.value(p->inputs));
    out.push_back({ind, theory::separate(values, positive, ind.threshold)});
  }
  return out;
}

VerifyResult run_claims(const VerifyOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const bool quick = options.quick;
  const ExperimentSpec base = base_spec(quick);
  const int seeds = quick ? 30 : 20;
  const int grid_seeds = 10;

  std::vector<Point> points;
  const auto add = [&](std::string group, std::string label, double x, ExperimentSpec spec, int n_seeds,
                       bool scratch_only = false) {
    points.push_back({std::move(group), std::move(label), x, std::move(spec), scratch_only, n_seeds, {}, {}});
  };
  const std::vector<double> alphas = {0, 0.25, 0.5, 0.75, 1};
  for (const double a : alphas) {
    ExperimentSpec s = base;
    s.transfer.alpha = a;
    add("alpha", fmt::format("alpha = {:g}", a), a, s, seeds);
  }
  const std::vector<double> n1s = quick ? std::vector<double>{12, 25, 50, 100, 200}
                                        : std::vector<double>{25, 50, 100, 200, 400};
  for (const double n1 : n1s) {
    ExperimentSpec s = base;
    s.upstream.n = static_cast<int>(n1);
    add("n1", fmt::format("n1 = {:g}", n1), n1, s, seeds);
  }
  const std::vector<double> noises = {0.5, 0.75, 1, 1.5, 2};
  for (const double sp : noises) {
    ExperimentSpec s = base;
    s.upstream.sigma_p = sp;
    add("noise", fmt::format("sigma_p1 = {:g}", sp), sp, s, seeds);
  }
  {
    ExperimentSpec s = base;  // configs/negative.toml's signals: ‖u‖ = 0.1 ≪ ‖v_k‖ = 2
    s.frame.norm_u = 0.1;
    s.upstream.norm_v = s.downstream.norm_v = 2.0;
    add("weak_u", "norm_u = 0.1, norm_v = 2", 0.1, s, seeds);
  }
  {
    ExperimentSpec s = base;
    s.transfer.alpha = 1.0;
    add("layer", "rule = filter, alpha = 1", 0, s, seeds);
    s.transfer.rule = transfer::Rule::layer;
    add("layer", "rule = layer", 1, s, seeds);
  }
  // Indicator grid across the positive/negative boundary: ‖u‖ against ‖v_1‖ = ‖v_2‖ = 2, n2, σ_p1.
  for (const double nu : {0.1, 0.2, 0.4, 0.7, 1.0, 1.5})
    for (const int n2 : {quick ? 5 : 10, quick ? 20 : 40})
      for (const double sp : {0.5, 2.0}) {
        ExperimentSpec s = base;
        s.frame.norm_u = nu;
        s.upstream.norm_v = s.downstream.norm_v = 2.0;
        s.downstream.n = n2;
        s.upstream.sigma_p = sp;
        add("grid", fmt::format("norm_u = {:g}, norm_v = 2, n2 = {}, sigma_p1 = {:g}", nu, n2, sp), nu, s, grid_seeds);
      }
  // Kou et al. 2023 boundary: scratch test error over (n, ‖μ‖) with u = 0, so μ = v_2.
  const std::vector<double> kou_n = {10, 20, 40, 80, 160};
  const int kou_mus = 12;
  const double mu_lo = quick ? 0.4 : 0.5, mu_hi = quick ? 6.0 : 8.0;
  std::vector<double> mus;
  for (int i = 0; i < kou_mus; ++i) mus.push_back(mu_lo * std::pow(mu_hi / mu_lo, i / double(kou_mus - 1)));
  for (const double n : kou_n)
    for (const double mu : mus) {
      ExperimentSpec s = base;
      s.frame.norm_u = 0.0;
      s.downstream.n = static_cast<int>(n);
      s.downstream.norm_v = mu;
      add("kou", fmt::format("n = {:g}, norm_mu = {:.3g}", n, mu), n, s, grid_seeds, true);
    }

  // The same boundary at large d, where the theorems are meant to hold (d ≫ n²): reduced sampling
  // (data/basis.hpp) makes a run at d = 10⁶ cost what one at 10³ does. At fixed n the ratio
  // n‖μ‖⁴/(σ_p⁴d) predicts ‖μ*‖ ∝ d^{1/4}; ‖μ‖ is scanned on a grid scaled by d^{1/4}.
  const std::vector<double> kou_d = {1e4, 3e4, 1e5, 3e5, 1e6};
  const int kou_d_n = 20;
  const double c_lo = 0.12, c_hi = 1.2;
  for (const double d : kou_d)
    for (int i = 0; i < kou_mus; ++i) {
      const double mu = c_lo * std::pow(c_hi / c_lo, i / double(kou_mus - 1)) * std::pow(d, 0.25);
      ExperimentSpec s = base;
      s.frame.d = static_cast<int>(d);
      s.frame.sampling = data::Sampling::reduced;
      s.phases = experiment::Phases::scratch;
      s.frame.norm_u = 0.0;
      s.downstream.n = kou_d_n;
      s.downstream.norm_v = mu;
      add("kou_d", fmt::format("d = {:g}, n = {}, norm_mu = {:.3g}", d, kou_d_n, mu), d, s, grid_seeds, true);
    }

  // Every (point, seed) through the job planner and the threads runner into memory. A point's id
  // is its index: two claims may share a config, and each keeps its own records.
  std::vector<experiment::PlanPoint> plan;
  for (std::size_t p = 0; p < points.size(); ++p) {
    Point& pt = points[p];
    (pt.scratch_only ? pt.scratch.resize(static_cast<std::size_t>(pt.seeds)) : pt.records.resize(static_cast<std::size_t>(pt.seeds)));
    const auto& s = pt.spec;
    // Expensive jobs first, so that the last ones running are short.
    const double cost = pt.scratch_only ? double(s.downstream.n) : double(s.upstream.n + 2 * s.downstream.n);
    plan.push_back({{std::to_string(p)}, 0, pt.seeds, cost});
  }
  experiment::MemorySink sink;
  experiment::UpstreamCache upstreams;
  const experiment::JobFn run = [&](const experiment::Job& j, const experiment::Emit& emit) {
    const Point& p = points[static_cast<std::size_t>(j.point)];
    experiment::RunOutput out{j.point, 0, std::to_string(j.point), j.seed, {}, "", "", {}};
    if (p.scratch_only) {  // the scratch phase alone, kept in the record's scratch slot
      experiment::SeedRecord r;
      r.seed = p.spec.seed + j.seed;
      r.scratch = experiment::run_scratch(p.spec, r.seed);
      out.record = std::move(r);
    } else {
      out.record = experiment::run_seed(p.spec, p.spec.seed + j.seed, &upstreams);
    }
    emit(std::move(out));
  };
  experiment::ExecOptions exec{.threads = options.threads, .longest_first = true, .progress = options.progress};
  exec.planned = [&](const experiment::JobPlan& jobs) {
    experiment::check_memory(base, experiment::detail::resolve_threads(options.threads, static_cast<int>(jobs.jobs.size())));
  };
  experiment::execute(plan, [&]() -> experiment::Sink& { return sink; }, run, exec);
  for (const experiment::RunOutput& r : sink.runs()) {
    Point& p = points[static_cast<std::size_t>(r.point)];
    const auto& record = std::get<experiment::SeedRecord>(r.record);
    if (p.scratch_only) p.scratch[static_cast<std::size_t>(r.seed)] = record.scratch;
    else p.records[static_cast<std::size_t>(r.seed)] = record;
  }

  VerifyResult out;
  out.base = base;
  out.runs = static_cast<int>(sink.runs().size());
  const auto group = [&](const std::string& g) {
    std::vector<const Point*> v;
    for (const Point& p : points)
      if (p.group == g) v.push_back(&p);
    return v;
  };
  const std::string seeds_text = fmt::format("{} seeds each", seeds);
  const std::string paper = "the paper (per its abstract and reviews)";
  {
    const auto st = seed_slopes(group("alpha"), false);
    out.claims.push_back({"NTG falls with alpha", paper, "alpha in " + values_text(alphas) + ", " + seeds_text,
                          "mean per-seed slope dNTG/dalpha", st.mean, st.ci_low, st.ci_high, "95% CI below 0",
                          st.ci_high < 0});
  }
  {
    const auto st = seed_slopes(group("n1"), true);
    out.claims.push_back({"NTG falls with n1", paper, "n1 in " + values_text(n1s) + ", " + seeds_text,
                          "mean per-seed slope dNTG/dlog2(n1)", st.mean, st.ci_low, st.ci_high, "95% CI below 0",
                          st.ci_high < 0});
  }
  {
    const auto st = seed_slopes(group("noise"), false);
    out.claims.push_back({"NTG rises with upstream noise", paper,
                          "sigma_p1 in " + values_text(noises) + ", " + seeds_text,
                          "mean per-seed slope dNTG/dsigma_p1", st.mean, st.ci_low, st.ci_high, "95% CI above 0",
                          st.ci_low > 0});
  }
  {
    const auto st = experiment::summarize(ntg_values(*group("weak_u").front()));
    out.claims.push_back({"negative transfer when ||u|| << ||v_k||", paper,
                          "norm_u = 0.1, norm_v1 = norm_v2 = 2, alpha = 0.5, " + seeds_text, "mean NTG", st.mean,
                          st.ci_low, st.ci_high, "95% CI above 0",
                          experiment::ntg_verdict(st) == experiment::Verdict::hurts});
  }
  {
    const auto layer = group("layer");
    double worst = 0.0;
    for (std::size_t s = 0; s < layer[0]->records.size(); ++s)
      worst = std::max(worst, std::abs(layer[1]->records[s].ntg - layer[0]->records[s].ntg));
    out.claims.push_back({"rule layer = rule filter at alpha = 1", "the paper's authors (reviews)",
                          "both rules on the same seeds, " + seeds_text, "max |NTG(layer) - NTG(filter)| over seeds",
                          worst, kNaN, kNaN, "identical: max difference 0", worst == 0.0});
  }
  // Per value v of a group's x: the crossing of mean scratch test error (true labels) = 0.25 in
  // log ‖μ‖, as (log v, log ‖μ*‖) pairs; values that never cross are left out.
  const auto boundary = [&](const std::string& name, const std::vector<double>& xs, std::vector<double>& log_x,
                            std::vector<double>& log_mu) {
    for (const double v : xs) {
      std::vector<double> x, y;
      for (const Point* p : group(name)) {
        if (p->x != v) continue;
        std::vector<double> errors;
        for (const auto& r : p->scratch)
          if (r.status != train::Status::diverged) errors.push_back(r.test_error_true);
        x.push_back(std::log(p->spec.downstream.norm_v));
        y.push_back(experiment::summarize(errors).mean);
      }
      const double c = crossing(x, y, 0.25);
      if (std::isfinite(c)) {
        log_x.push_back(std::log(v));
        log_mu.push_back(c);
      }
    }
  };
  {
    // Boundary ‖μ*‖(n): where the mean scratch test error (true labels) falls below 0.25, halfway
    // between chance (0.5) and the Bayes error (0, no label noise); interpolated in log ‖μ‖.
    std::vector<double> log_n, log_mu;
    boundary("kou", kou_n, log_n, log_mu);
    ClaimResult c{"scratch boundary n*||mu||^4 ~ sigma_p^4 d", "Kou et al. 2023 (Cao et al. 2022)",
                  fmt::format("scratch only, u = 0, sigma_p = 1, d = {}, n in {}, ||mu|| in [{:g}, {:g}] ({} values), {} seeds; "
                              "boundary: mean test error = 0.25",
                              base.frame.d, values_text(kou_n), mu_lo, mu_hi, kou_mus, grid_seeds),
                  "slope dlog||mu*||/dlog n (predicted -1/4)", kNaN, kNaN, kNaN, "95% CI contains -0.25", false};
    if (log_n.size() >= 3) {
      const Slope s = fit_slope(log_n, log_mu);
      c.value = s.slope;
      c.ci_low = s.ci_low;
      c.ci_high = s.ci_high;
      c.supported = s.ci_low <= -0.25 && -0.25 <= s.ci_high;
    } else {
      c.statistic += fmt::format(" (only {} of {} n values crossed 0.25: not enough to fit)", log_n.size(), kou_n.size());
    }
    out.claims.push_back(c);
  }

  {
    std::vector<double> log_d, log_mu;
    boundary("kou_d", kou_d, log_d, log_mu);
    ClaimResult c{"scratch boundary at large d: ||mu*|| ~ d^(1/4)", "Kou et al. 2023 (Cao et al. 2022)",
                  fmt::format("scratch only, reduced sampling, u = 0, sigma_p = 1, n = {}, d in {}, ||mu|| = c d^(1/4) "
                              "with c in [{:g}, {:g}] ({} values), {} seeds; boundary: mean test error = 0.25",
                              kou_d_n, values_text(kou_d), c_lo, c_hi, kou_mus, grid_seeds),
                  "slope dlog||mu*||/dlog d (predicted 1/4)", kNaN, kNaN, kNaN, "95% CI contains 0.25", false};
    if (log_d.size() >= 3) {
      const Slope sl = fit_slope(log_d, log_mu);
      c.value = sl.slope;
      c.ci_low = sl.ci_low;
      c.ci_high = sl.ci_high;
      c.supported = sl.ci_low <= 0.25 && 0.25 <= sl.ci_high;
    } else {
      c.statistic += fmt::format(" (only {} of {} d values crossed 0.25: not enough to fit)", log_d.size(), kou_d.size());
    }
    out.claims.push_back(c);
  }

  for (const Point& p : points) {
    if (p.scratch_only) continue;
    out.points.push_back({p.label, theory::inputs_of(p.spec), experiment::summarize(ntg_values(p))});
  }
  out.indicators = score_indicators(out.points, &out.undetermined);
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace ptlab::verify
