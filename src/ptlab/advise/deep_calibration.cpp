#include "ptlab/advise/deep_calibration.hpp"

#include <Eigen/Dense>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <toml++/toml.h>

#include "ptlab/advise/detail/toml_reader.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/experiment/toml_text.hpp"
#include "ptlab/experiment/stats.hpp"

namespace ptlab::advise {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// Least squares with a tiny ridge on the non-intercept columns (column 0 is the intercept).
Eigen::VectorXd solve(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
  Eigen::MatrixXd A = X.transpose() * X;
  for (Eigen::Index j = 1; j < X.cols(); ++j) {
    const double mean = X.col(j).mean();
    const double var = (X.col(j).array() - mean).square().sum();
    A(j, j) += 1e-6 * std::max(var, 1e-12);
  }
  return A.ldlt().solve(X.transpose() * y);
}

struct Fit {
  Eigen::VectorXd beta;
  double loo_sse = 0.0;  // leave-one-pair-out squared residuals
};

// One candidate's line on features X (n × k, intercept first) and truth y.
Fit fit_line(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
  Fit f;
  f.beta = solve(X, y);
  const Eigen::Index n = X.rows();
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::MatrixXd Xi(n - 1, X.cols());
    Eigen::VectorXd yi(n - 1);
    for (Eigen::Index r = 0, at = 0; r < n; ++r)
      if (r != i) {
        Xi.row(at) = X.row(r);
        yi(at++) = y(r);
      }
    const double e = y(i) - X.row(i).dot(solve(Xi, yi));
    f.loo_sse += e * e;
  }
  return f;
}

std::size_t score_index(const std::vector<std::string>& names, const std::string& score) {
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == score) return k;
  return names.size();
}

}  // namespace

DeepCalibration fit_deep_calibration(const std::vector<PairOutcome>& development) {
  const int n = static_cast<int>(development.size());
  if (n < 4)
    throw core::InputError(fmt::format("calibration: {} development pairs; expected at least 4", n));
  const PairOutcome& first = development.front();
  const std::size_t candidates = first.probe.estimates.size();
  for (const PairOutcome& o : development) {
    bool same = o.probe.estimates.size() == candidates && o.truth.size() == candidates;
    for (std::size_t s = 0; same && s < candidates; ++s)
      same = o.probe.estimates[s].strategy.name == first.probe.estimates[s].strategy.name;
    if (!same)
      throw core::InputError(fmt::format("calibration: pair \"{}\" has other candidates than pair \"{}\"; expected the same "
                                         "candidates on every development pair", o.pair.name, first.pair.name));
  }
  DeepCalibration best;
  double best_sse = std::numeric_limits<double>::infinity();
  for (const std::string& score : first.score_names) {
    Eigen::VectorXd z(n);
    bool usable = true;
    for (int i = 0; i < n; ++i) {
      const PairOutcome& o = development[static_cast<std::size_t>(i)];
      const std::size_t k = score_index(o.score_names, score);
      z(i) = k < o.score_names.size() ? o.score_minus_fresh[k] : kNan;
      usable = usable && std::isfinite(z(i));
    }
    if (!usable) continue;
    for (const bool probe_term : {false, true}) {
      DeepCalibration c;
      c.score = score;
      c.probe_term = probe_term;
      c.pairs = n;
      double sse = 0.0;
      bool finite = true;
      for (std::size_t s = 1; s < candidates; ++s) {
        Eigen::MatrixXd X(n, probe_term ? 3 : 2);
        Eigen::VectorXd y(n);
        for (int i = 0; i < n; ++i) {
          const PairOutcome& o = development[static_cast<std::size_t>(i)];
          X(i, 0) = 1.0;
          X(i, 1) = z(i);
          if (probe_term) X(i, 2) = o.probe.estimates[s].gain.mean;
          y(i) = o.truth[s].mean;
        }
        finite = finite && X.allFinite() && y.allFinite();
        if (!finite) break;
        const Fit f = fit_line(X, y);
        sse += f.loo_sse;
        c.lines.push_back({first.probe.estimates[s].strategy.name, f.beta(0), f.beta(1), probe_term ? f.beta(2) : 0.0,
                           std::sqrt(f.loo_sse / n)});
      }
      if (!finite || c.lines.empty() || !(sse < best_sse)) continue;
      best_sse = sse;
      c.loo_rmse = std::sqrt(sse / (n * static_cast<double>(c.lines.size())));
      best = std::move(c);
    }
  }
  if (best.lines.empty())
    throw core::InputError("calibration: no score has a finite upstream − fresh difference on every development pair");
  return best;
}

CurveProbe calibrate(const CurveProbe& probe, const std::vector<std::string>& names,
                     const std::vector<double>& minus_fresh, const DeepCalibration& calibration) {
  const std::size_t k = score_index(names, calibration.score);
  if (k >= names.size() || k >= minus_fresh.size() || !std::isfinite(minus_fresh[k]))
    throw core::InputError(fmt::format("calibration: the score \"{}\" (upstream − fresh) is {}; expected a finite value",
                                       calibration.score, k >= names.size() ? "missing" : "not finite"));
  const double z = minus_fresh[k];
  const int n = calibration.pairs;
  const double t = experiment::student_t_quantile(0.975, n - 1);
  CurveProbe out = probe;
  for (StrategyEstimate& e : out.estimates) {
    if (e.strategy.scratch) continue;
    const DeepCalibration::Line* line = nullptr;
    for (const auto& l : calibration.lines)
      if (l.candidate == e.strategy.name) line = &l;
    if (line == nullptr)
      throw core::InputError(fmt::format("calibration: no line for the candidate \"{}\"; expected a calibration fitted "
                                         "with the same candidates", e.strategy.name));
    experiment::Stat g;
    g.n = n;
    g.mean = line->intercept + line->score_slope * z + (calibration.probe_term ? line->probe_slope * e.gain.mean : 0.0);
    g.std = line->rmse * std::sqrt(static_cast<double>(n));
    g.ci_low = g.mean - t * line->rmse;
    g.ci_high = g.mean + t * line->rmse;
    e.gain = g;
  }
  return out;
}

std::vector<PairOutcome> calibrate(const std::vector<PairOutcome>& outcomes, const DeepCalibration& calibration) {
  std::vector<PairOutcome> out = outcomes;
  for (PairOutcome& o : out) {
    try {
      o.probe = calibrate(o.probe, o.score_names, o.score_minus_fresh, calibration);
    } catch (const core::InputError& e) {
      throw core::InputError(fmt::format("pair \"{}\": {}", o.pair.name, e.what()));
    }
  }
  return out;
}

std::string deep_calibration_toml(const DeepCalibration& c, const std::string& header) {
  std::string out;
  std::size_t at = 0;
  while (at < header.size()) {
    const std::size_t end = std::min(header.find('\n', at), header.size());
    out += "# " + header.substr(at, end - at) + "\n";
    at = end + 1;
  }
  out += fmt::format("\n[calibration]\nscore = \"{}\"\nprobe_term = {}\npairs = {}\nloo_rmse = {:.17g}\n", c.score,
                     c.probe_term ? "true" : "false", c.pairs, c.loo_rmse);
  for (const auto& l : c.lines)
    out += fmt::format("\n[[line]]\ncandidate = \"{}\"\nintercept = {:.17g}\nscore_slope = {:.17g}\nprobe_slope = {:.17g}\n"
                       "rmse = {:.17g}\n", l.candidate, l.intercept, l.score_slope, l.probe_slope, l.rmse);
  return out;
}

DeepCalibration load_deep_calibration(const std::string& path) {
  const std::string text = core::read_text_file(path, "calibration", "a TOML file written by advise-bench --write-calibration",
                                                1 << 20);
  toml::table root;
  root = experiment::parse_toml(text, path);
  for (const auto& [key, value] : root)
    if (key.str() != "calibration" && key.str() != "line")
      throw core::InputError(fmt::format("{}: unknown table '{}' (expected [calibration] and [[line]])", path, key.str()));
  DeepCalibration c;
  {
    detail::Reader r(root, "calibration", path);
    r.text("score", c.score);
    r.boolean("probe_term", c.probe_term);
    r.integer("pairs", c.pairs, 2, 1000000);
    r.number("loo_rmse", c.loo_rmse, 0.0, 1e6);
  }
  if (c.score.empty() || c.pairs < 2)
    throw core::InputError(fmt::format("{}: calibration: expected score and pairs (a file written by advise-bench "
                                       "--write-calibration)", path));
  const auto* lines = root.get("line") != nullptr ? root.get("line")->as_array() : nullptr;
  if (lines == nullptr || lines->empty())
    throw core::InputError(fmt::format("{}: line: expected an array of tables [[line]]", path));
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const toml::table* t = (*lines)[i].as_table();
    const std::string where = fmt::format("line {}", i + 1);
    if (t == nullptr) throw core::InputError(fmt::format("{}: {}: expected a table [[line]]", path, where));
    DeepCalibration::Line l;
    l.intercept = kNan;
    {
      detail::Reader r(t, where, path);
      r.text("candidate", l.candidate);
      r.number("intercept", l.intercept, -1e6, 1e6);
      r.number("score_slope", l.score_slope, -1e9, 1e9);
      r.number("probe_slope", l.probe_slope, -1e6, 1e6);
      r.number("rmse", l.rmse, 0.0, 1e6);
    }
    if (l.candidate.empty() || !std::isfinite(l.intercept))
      throw core::InputError(fmt::format("{}: {}: expected candidate and intercept", path, where));
    c.lines.push_back(std::move(l));
  }
  return c;
}

}  // namespace ptlab::advise
