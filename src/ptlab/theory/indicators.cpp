#include "ptlab/theory/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <numbers>

#include "ptlab/core/error.hpp"

namespace ptlab::theory {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// cos of an angle in degrees, exact at multiples of 90° (cos 90° is 0, not 6e-17: an exactly
// orthogonal v_1, v_2 must give ⟨μ_1, μ_2⟩ = ‖u‖² exactly, and 0 when u = 0).
double cos_degrees(double degrees) {
  const double r = std::fmod(degrees, 360.0);
  if (r == 90.0 || r == 270.0) return 0.0;
  if (r == 0.0) return 1.0;
  if (r == 180.0) return -1.0;
  return std::cos(degrees * std::numbers::pi / 180.0);
}

}  // namespace

Inputs inputs_of(const experiment::ExperimentSpec& s) {
  Inputs in;
  in.alpha = s.transfer.rule == transfer::Rule::layer ? 1.0 : s.transfer.alpha;
  in.n1 = s.upstream.n;
  in.n2 = s.downstream.n;
  in.norm_u = s.frame.norm_u;
  in.norm_v1 = s.upstream.norm_v;
  in.norm_v2 = s.downstream.norm_v;
  in.cos_theta = cos_degrees(s.frame.theta);
  in.sigma_p1 = s.upstream.sigma_p;
  in.sigma_p2 = s.downstream.sigma_p;
  in.d = s.frame.d;
  in.T1 = s.upstream_train.steps;
  in.T2 = s.downstream_train.steps;
  return in;
}

TaskRegime task_regime(double n, double mu_sq, double sigma_p, double d) {
  TaskRegime r;
  r.snr = sigma_p > 0 ? std::sqrt(mu_sq) / (sigma_p * std::sqrt(d)) : std::numeric_limits<double>::infinity();
  r.kou_ratio = sigma_p > 0 ? n * mu_sq * mu_sq / (std::pow(sigma_p, 4) * d) : std::numeric_limits<double>::infinity();
  r.benign = r.kou_ratio >= 1.0;
  return r;
}

// log10 of a product of powers, term by term, so that 1e-300 or 1e300 inputs neither overflow nor
// underflow: Σ_k e_k·log10(x_k). A zero factor with a positive exponent gives −inf (nothing
// learned), with a negative one +inf; a negative factor gives NaN.
double log10_product(std::initializer_list<std::pair<double, double>> factors) {
  double sum = 0.0;
  for (const auto& [x, e] : factors) {
    if (x < 0 || std::isnan(x)) return kNaN;
    sum += e * std::log10(x);  // log10(0) = −inf
  }
  return sum;
}

double inherited_vs_scratch(const Inputs& x) {
  return log10_product({{x.n1, 1}, {std::max(x.mu12(), 0.0), 2}, {x.sigma_p2, 2}, {x.n2, -1}, {x.mu2_sq(), -2},
                        {x.sigma_p1, -2}});
}

const std::vector<Indicator>& indicators() {
  // Derivations: docs/theory.md, "Candidate indicators". Every one is a hypothesis.
  static const std::vector<Indicator> list = {
      {"signal_share", "||u||^2 / ||mu_2||^2", [](const Inputs& x) { return x.norm_u * x.norm_u / x.mu2_sq(); },
       kNaN},
      {"upstream_u_kou", "log10( n1 ||u||^4 / (sigma_p1^4 d) )",
       [](const Inputs& x) { return log10_product({{x.n1, 1}, {x.norm_u, 4}, {x.sigma_p1, -4}, {x.d, -1}}); }, 0.0},
      {"inherited_snr", "log10( n1 <mu_1,mu_2>^2 / (sigma_p1^2 sigma_p2^2 d) )",
       [](const Inputs& x) {
         return log10_product({{x.n1, 1}, {std::max(x.mu12(), 0.0), 2}, {x.sigma_p1, -2}, {x.sigma_p2, -2}, {x.d, -1}});
       },
       0.0},
      {"inherited_vs_scratch", "log10( n1 <mu_1,mu_2>^2 sigma_p2^2 / (n2 ||mu_2||^4 sigma_p1^2) )",
       inherited_vs_scratch, 0.0},
      {"alpha_x_inherited_vs_scratch", "alpha * inherited_vs_scratch",
       [](const Inputs& x) { return x.alpha == 0.0 ? 0.0 : x.alpha * inherited_vs_scratch(x); }, 0.0},
  };
  return list;
}

Separation separate(const std::vector<double>& values, const std::vector<bool>& positive, double predicted) {
  PTLAB_ASSERT_MSG(values.size() == positive.size(), "values and labels differ in length");
  std::vector<double> pos, neg;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) continue;
    (positive[i] ? pos : neg).push_back(values[i]);
  }
  Separation s;
  s.positive = static_cast<int>(pos.size());
  s.negative = static_cast<int>(neg.size());
  s.auc = s.threshold = s.balanced_accuracy = s.predicted_accuracy = kNaN;
  if (pos.empty() || neg.empty()) return s;
  // Mann–Whitney: AUC = P(X_pos > X_neg) + ½ P(X_pos = X_neg).
  double wins = 0.0;
  for (const double p : pos)
    for (const double n : neg) wins += p > n ? 1.0 : p == n ? 0.5 : 0.0;
  s.auc = wins / (static_cast<double>(pos.size()) * static_cast<double>(neg.size()));
  const auto balanced = [&](double t) {
    const double tp = static_cast<double>(std::count_if(pos.begin(), pos.end(), [t](double v) { return v > t; }));
    const double tn = static_cast<double>(std::count_if(neg.begin(), neg.end(), [t](double v) { return v <= t; }));
    return 0.5 * (tp / static_cast<double>(pos.size()) + tn / static_cast<double>(neg.size()));
  };
  // Candidate thresholds: below everything, and midway between consecutive distinct values.
  std::vector<double> all = pos;
  all.insert(all.end(), neg.begin(), neg.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<double> candidates;
  if (std::isfinite(all.front())) candidates.push_back(all.front() - 1.0);
  for (std::size_t i = 0; i + 1 < all.size(); ++i)
    candidates.push_back(std::isfinite(all[i]) ? 0.5 * (all[i] + all[i + 1]) : std::nextafter(all[i + 1], -INFINITY));
  s.balanced_accuracy = -1.0;
  for (const double t : candidates) {
    const double b = balanced(t);
    if (b > s.balanced_accuracy) {
      s.balanced_accuracy = b;
      s.threshold = t;
    }
  }
  if (!std::isnan(predicted)) s.predicted_accuracy = balanced(predicted);
  return s;
}

}  // namespace ptlab::theory
