#include "ptlab/advise/curve_probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/advise/practitioner.hpp"
#include "ptlab/train/gd.hpp"

namespace ptlab::advise {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Samples [lo, hi) of `data` (keep = true) or all others (keep = false).
data::Dataset slice(const data::Dataset& data, int lo, int hi, bool keep) {
  std::vector<int> idx;
  for (int i = 0; i < data.n(); ++i)
    if ((i >= lo && i < hi) == keep) idx.push_back(i);
  data::Dataset out;
  out.P = data.P;
  out.X.resize(data.X.rows(), static_cast<Eigen::Index>(idx.size()) * data.P);
  out.y.resize(static_cast<Eigen::Index>(idx.size()));
  out.y_true.resize(out.y.size());
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const Eigen::Index i = idx[k];
    out.X.middleCols(static_cast<Eigen::Index>(k) * data.P, data.P) = data.X.middleCols(i * data.P, data.P);
    out.y(static_cast<Eigen::Index>(k)) = data.y(i);
    // True labels are not a practitioner's: the probe never reads them; keep the observed ones.
    out.y_true(static_cast<Eigen::Index>(k)) = data.y(i);
  }
  return out;
}

// Held-out error (observed labels) at checkpoints every·1 .. every·points, carried forward past
// an early stop (a converged run keeps its final weights, so its error stays).
std::vector<double> at_checkpoints(const train::TrainResult& r, int every, int points) {
  std::vector<double> e(static_cast<std::size_t>(points), kNaN);
  if (r.status == train::Status::diverged) return e;
  for (int j = 0; j < points; ++j) {
    const int t = every * (j + 1);
    double v = kNaN;
    for (const auto& c : r.curve)
      if (c.step <= t) v = c.test_error;
    e[static_cast<std::size_t>(j)] = v;
  }
  return e;
}

}  // namespace

double PowerLaw::at(double t) const { return a + b * std::pow(t, -c); }

PowerLaw fit_power_law(const std::vector<double>& t, const std::vector<double>& e) {
  PTLAB_ASSERT(t.size() == e.size() && t.size() >= 3);
  PowerLaw best;
  double best_sse = std::numeric_limits<double>::infinity();
  for (int g = 1; g <= 40; ++g) {
    const double c = 0.05 * g;
    // Least squares of e on [1, t^−c].
    double s1 = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
    for (std::size_t j = 0; j < t.size(); ++j) {
      const double x = std::pow(t[j], -c);
      s1 += 1;
      sx += x;
      sxx += x * x;
      sy += e[j];
      sxy += x * e[j];
    }
    const double det = s1 * sxx - sx * sx;
    if (!(std::abs(det) > 1e-300)) continue;
    const double b = (s1 * sxy - sx * sy) / det;
    const double a = (sy - b * sx) / s1;
    double sse = 0;
    for (std::size_t j = 0; j < t.size(); ++j) sse += std::pow(a + b * std::pow(t[j], -c) - e[j], 2);
    if (sse < best_sse) {
      best_sse = sse;
      best = {a, b, c};
    }
  }
  return best;
}

CurveProbe curve_probe(const experiment::ExperimentSpec& spec, const std::vector<Strategy>& strategies,
                       const CurveProbeOptions& o, const std::function<void(int, int)>& progress,
                       experiment::UpstreamCache* cache) {
  PTLAB_CHECK(o.folds >= 2, fmt::format("advise: folds = {}; expected an integer ≥ 2", o.folds));
  PTLAB_CHECK(o.budget > 0.0 && o.budget <= 1.0,
              fmt::format("advise: budget = {}; expected a fraction of the steps in (0, 1]", o.budget));
  PTLAB_CHECK(o.seeds >= 1, fmt::format("advise: seeds = {}; expected an integer ≥ 1", o.seeds));
  PTLAB_CHECK(o.points >= 3, fmt::format("advise: points = {}; expected an integer ≥ 3", o.points));
  PTLAB_CHECK(o.max_cost > 0.0 && std::isfinite(o.max_cost),
              fmt::format("advise: max_cost = {}; expected a positive fraction of one full paired run", o.max_cost));
  const int n2 = spec.downstream.n;
  PTLAB_CHECK(n2 >= 2 * o.folds,
              fmt::format("advise: downstream.n = {} is too small to split into {} folds; expected at least {} "
                          "samples (2 per fold)", n2, o.folds, 2 * o.folds));
  const int T = spec.downstream_train.steps;
  PTLAB_CHECK(T >= 1, "advise: downstream.steps = 0; expected a step budget ≥ 1");
  // Sample-steps per probe step (every candidate on every fold's k − 1 parts) against one full
  // paired run's: the cost cap in steps.
  const double per_step = static_cast<double>(strategies.size()) * (o.folds - 1) * n2;
  const double paired = static_cast<double>(spec.upstream.n) * spec.upstream_train.steps + 2.0 * n2 * T;
  const int wanted = static_cast<int>(std::ceil(o.budget * T));
  const int affordable = static_cast<int>(std::min(1e9, std::floor(o.max_cost * paired / per_step)));
  const int steps = std::max(o.points, std::min(wanted, affordable));
  const int every = std::max(1, steps / o.points);
  const int points = std::min(o.points, steps / every);

  train::GdOptions gd = spec.downstream_train;
  gd.steps = every * points;
  gd.curve_every = every;
  gd.backend = spec.backend;

  const std::size_t S = strategies.size();
  // err[s][seed] at the probe's end and extrapolated to T.
  std::vector<std::vector<double>> early(S), full(S);
  CurveProbe out;
  out.probe_steps = gd.steps;
  out.capped = affordable < wanted;
  out.full_steps = T;
  const int total = o.seeds * o.folds * static_cast<int>(S);
  int done = 0;
  for (int k = 0; k < o.seeds; ++k) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(k);
    const PractitionerView view = practitioner_view(spec, seed, cache);
    const data::Dataset& train = view.train;
    const model::Weights& fresh = view.fresh;
    std::vector<std::vector<double>> curve_sum(S, std::vector<double>(static_cast<std::size_t>(points), 0.0));
    std::vector<int> curve_n(S, 0);
    for (int f = 0; f < o.folds; ++f) {
      const int lo = f * n2 / o.folds, hi = (f + 1) * n2 / o.folds;
      const data::Dataset fit = slice(train, lo, hi, false), held = slice(train, lo, hi, true);
      for (std::size_t s = 0; s < S; ++s) {
        model::Weights W0 = fresh;
        Eigen::MatrixXd mask, anchored;
        if (!strategies[s].scratch) {
          core::Rng choice = core::Rng::stream(seed, core::Stream::transfer_choice);
          // The zero vector stands for u: only the oracle rule reads it, and no strategy uses it.
          const auto inherited = transfer::apply(strategies[s].transfer, view.upstream, fresh,
                                                 Eigen::VectorXd::Zero(fresh.cols()), fit, choice);
          W0 = inherited.W0;
          mask = transfer::trainable_mask(strategies[s].transfer, inherited);
          anchored = inherited.inherited;
        }
        train::GdOptions gd_s = gd;
        gd_s.l2sp = strategies[s].l2sp;
        const train::TrainResult r = train::gradient_descent(W0, mask, fit, held, spec.model, gd_s, {}, anchored);
        out.probe_cost += static_cast<double>(fit.n()) * r.steps;
        const std::vector<double> e = at_checkpoints(r, every, points);
        if (std::all_of(e.begin(), e.end(), [](double v) { return std::isfinite(v); })) {
          for (int j = 0; j < points; ++j) curve_sum[s][static_cast<std::size_t>(j)] += e[static_cast<std::size_t>(j)];
          ++curve_n[s];
        }
        if (progress) progress(++done, total);
      }
    }
    for (std::size_t s = 0; s < S; ++s) {
      if (curve_n[s] == 0) {
        early[s].push_back(kNaN);
        full[s].push_back(kNaN);
        continue;
      }
      std::vector<double> t, e;
      for (int j = 0; j < points; ++j) {
        t.push_back(every * (j + 1.0));
        e.push_back(curve_sum[s][static_cast<std::size_t>(j)] / curve_n[s]);
      }
      early[s].push_back(e.back());
      full[s].push_back(gd.steps >= T ? e.back() : std::clamp(fit_power_law(t, e).at(T), 0.0, 1.0));
    }
    out.full_run_cost += static_cast<double>(spec.upstream.n) * spec.upstream_train.steps + 2.0 * n2 * T;
  }
  for (std::size_t s = 0; s < S; ++s) {
    std::vector<double> g, ge;
    double mean_full = 0.0;
    for (int k = 0; k < o.seeds; ++k) {
      const auto K = static_cast<std::size_t>(k);
      const double gk = 100.0 * (full[0][K] - full[s][K]), ek = 100.0 * (early[0][K] - early[s][K]);
      if (std::isfinite(gk)) g.push_back(gk);
      if (std::isfinite(ek)) ge.push_back(ek);
      mean_full += full[s][K] / o.seeds;
    }
    out.estimates.push_back({strategies[s], experiment::summarize(g), experiment::summarize(ge), mean_full});
  }
  return out;
}

}  // namespace ptlab::advise
