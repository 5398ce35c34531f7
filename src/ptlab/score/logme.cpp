#include "ptlab/score/logme.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "ptlab/core/error.hpp"
#include "ptlab/score/detail/checks.hpp"

namespace ptlab::score {

namespace {

// The nonzero part of the spectrum of FᵀF: σ_i (k) and the left singular vectors U (N × k) of F.
struct Spectrum {
  Eigen::VectorXd sigma;
  Eigen::MatrixXd U;
};

// One eigendecomposition of the smaller Gram matrix, as the reference does, instead of an SVD of
// F: for N = 10⁴ samples of D = 2048 features it costs a D × D problem, not an N × D one.
Spectrum spectrum(const Eigen::Ref<const Eigen::MatrixXd>& F) {
  const Eigen::Index N = F.rows(), D = F.cols();
  const bool tall = N > D;
  Eigen::MatrixXd G(tall ? D : N, tall ? D : N);
  if (tall)
    G.noalias() = F.transpose() * F;
  else
    G.noalias() = F * F.transpose();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(G);
  // Features of extreme scale overflow the Gram matrix: bad input, not a bug.
  PTLAB_CHECK(eig.info() == Eigen::Success && G.allFinite(),
              "logme: the features' Gram matrix overflows; expected features of moderate scale (|f| well below 1e150)");
  const Eigen::VectorXd& w = eig.eigenvalues();  // ascending
  const double top = w(w.size() - 1);
  // Rounding leaves the zero eigenvalues of a rank-deficient Gram matrix at ~ε·σ_max (either
  // sign); they are zeros of the spectrum, accounted for in the evidence's (D − k)·log α term.
  const double tol = static_cast<double>(std::max(N, D)) * std::numeric_limits<double>::epsilon() * top;
  Eigen::Index first = 0;
  while (first < w.size() && w(first) <= tol) ++first;
  const Eigen::Index k = w.size() - first;
  Spectrum s;
  s.sigma = w.tail(k);
  if (tall)  // u_i = F·v_i / √σ_i
    s.U = (F * eig.eigenvectors().rightCols(k)) * s.sigma.cwiseSqrt().cwiseInverse().asDiagonal();
  else
    s.U = eig.eigenvectors().rightCols(k);
  return s;
}

// The fixed-point maximisation for one target t, given x = Uᵀt and ‖t‖². Follows
// thuml/LogME `_fit_fixed_point` step for step, so that its numbers reproduce.
double class_evidence(
    const Eigen::VectorXd& sigma, const Eigen::VectorXd& x, double t_sq, Eigen::Index N, Eigen::Index D) {
  constexpr double kGuard = 1e-5;  // the reference's guard against ‖m‖² = 0 or a perfect fit
  const Eigen::ArrayXd s = sigma.array();
  const Eigen::ArrayXd x2 = x.array().square();
  const double res_x2 = t_sq - x2.sum();  // the part of t outside the column space of F
  const double n = static_cast<double>(N), d = static_cast<double>(D);
  double alpha = 1.0, beta = 1.0, m2 = 0.0, res2 = 0.0;
  for (int round = 0; round < 11; ++round) {
    const double t = alpha / beta;
    const double gamma = (s / (s + t)).sum();
    m2 = (s * x2 / (t + s).square()).sum();
    res2 = (x2 / (1.0 + s / t).square()).sum() + res_x2;
    alpha = gamma / (m2 + kGuard);
    beta = (n - gamma) / (res2 + kGuard);
    if (std::abs(alpha / beta - t) / t <= 1e-3) break;
  }
  // log|αI_D + βFᵀF| over all D eigenvalues: the D − k zero ones each give log α (thuml/LogME#23).
  const double log_det = (alpha + beta * s).log().sum() + static_cast<double>(D - s.size()) * std::log(alpha);
  const double evidence = d / 2.0 * std::log(alpha) + n / 2.0 * std::log(beta) - 0.5 * log_det -
                          beta / 2.0 * res2 - alpha / 2.0 * m2 - n / 2.0 * std::log(2.0 * std::numbers::pi);
  return evidence / n;
}

}  // namespace

double logme(const Eigen::Ref<const Eigen::MatrixXd>& F, std::span<const int> y) {
  detail::check_features("logme", "features", F);
  const detail::Classes classes = detail::target_classes("logme", y, F.rows());
  PTLAB_CHECK(F.cwiseAbs().maxCoeff() > 0.0,
              "logme: features are all zero: expected at least one nonzero entry");
  const Spectrum s = spectrum(F);
  double total = 0.0;
  for (int c = 0; c < classes.count(); ++c) {
    Eigen::VectorXd t(F.rows());
    for (Eigen::Index i = 0; i < F.rows(); ++i)
      t(i) = classes.index[static_cast<std::size_t>(i)] == c ? 1.0 : 0.0;
    const Eigen::VectorXd x = s.U.transpose() * t;
    total += class_evidence(s.sigma, x, t.squaredNorm(), F.rows(), F.cols());
  }
  return total / classes.count();
}

}  // namespace ptlab::score
