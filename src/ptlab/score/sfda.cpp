#include "ptlab/score/sfda.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "ptlab/core/error.hpp"
#include "ptlab/score/covariance.hpp"
#include "ptlab/score/detail/checks.hpp"

namespace ptlab::score {

namespace {

// The leading k principal-component scores of F (N × k), signs fixed for reproducibility.
Eigen::MatrixXd pca_scores(const Eigen::Ref<const Eigen::MatrixXd>& F, Eigen::Index k) {
  const Eigen::MatrixXd X = F.rowwise() - F.colwise().mean();
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(X, Eigen::ComputeThinV);
  Eigen::MatrixXd V = svd.matrixV().leftCols(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    Eigen::Index top = 0;
    V.col(j).cwiseAbs().maxCoeff(&top);
    if (V(top, j) < 0.0) V.col(j) = -V.col(j);
  }
  return X * V;
}

// λ_max(A) as the authors estimate it (TencentARC/SFDA utils.py iterative_A): three rounds of a
// power iteration from A·1, then xᵀ·A·y with the last two iterates. Kept, not replaced by an exact
// eigenvalue, because λ enters the score through exp(−5·λ_max).
double power_lambda_max(const Eigen::MatrixXd& A) {
  Eigen::VectorXd x = A.rowwise().sum();
  Eigen::VectorXd y = x;
  for (int round = 0; round < 3; ++round) {
    Eigen::VectorXd t = A * x;
    if (t.norm() == 0.0)
      return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(A, Eigen::EigenvaluesOnly)
          .eigenvalues()
          .maxCoeff();
    y = t / t.norm();
    t = A * y;
    x = t / t.norm();
  }
  return x.dot(A * y);
}

Eigen::MatrixXd softmax_rows(const Eigen::MatrixXd& Z) {
  Eigen::MatrixXd P = (Z.colwise() - Z.rowwise().maxCoeff()).array().exp().matrix();
  P.array().colwise() /= P.rowwise().sum().array();
  return P;
}

struct Fit {
  Eigen::MatrixXd posterior;  ///< N × C
  double shrinkage = 0.0;     ///< λ used
};

// Steps 1–2 of the docstring: the regularised Fisher discriminant's posteriors on its own data.
Fit fisher_posterior(const Eigen::MatrixXd& X,
                     const detail::Classes& classes,
                     std::optional<double> shrinkage) {
  Eigen::MatrixXd means;
  Eigen::VectorXd priors;
  detail::class_means(X, classes, means, priors);
  // Σ_c p_c·cov_c = (1/N)·Σ_i (x_i − m_{c_i})(x_i − m_{c_i})ᵀ.
  Eigen::MatrixXd R = X;
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    R.row(i) -= means.row(classes.index[static_cast<std::size_t>(i)]);
  Eigen::MatrixXd Sw(X.cols(), X.cols());
  Sw.noalias() = R.transpose() * R / static_cast<double>(X.rows());
  PTLAB_CHECK(Sw.trace() > 0.0,
              "sfda: features have no within-class variance (each class is a single point): expected spread "
              "within at least one class");
  Fit fit;
  fit.shrinkage = shrinkage ? *shrinkage : std::max(std::exp(-5.0 * power_lambda_max(Sw)), 1e-10);
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(shrunk_covariance(Sw, fit.shrinkage));
  // Features of extreme scale (|f| ≳ 1e30) overflow the scatter's factorisation: bad input, not a bug.
  PTLAB_CHECK(ldlt.info() == Eigen::Success && Sw.allFinite(),
              fmt::format("sfda: the within-class scatter (trace {:g}) cannot be factorised; expected features of "
                          "moderate scale (|f| well below 1e30)", Sw.trace()));
  const Eigen::MatrixXd coef = ldlt.solve(means.transpose()).transpose();  // C × D: m_cᵀ·S̃_w⁻¹
  const Eigen::RowVectorXd intercept =
      (-0.5 * (means.cwiseProduct(coef)).rowwise().sum() + priors.array().log().matrix()).transpose();
  fit.posterior = softmax_rows((X * coef.transpose()).rowwise() + intercept);
  return fit;
}

}  // namespace

double sfda(const Eigen::Ref<const Eigen::MatrixXd>& F, std::span<const int> y, const SfdaOptions& options) {
  detail::check_features("sfda", "features", F);
  const detail::Classes classes = detail::target_classes("sfda", y, F.rows());
  PTLAB_CHECK(options.pca_dim >= 0,
              fmt::format("sfda: pca_dim = {}: expected 0 (no reduction) or a number of components ≥ 1",
                          options.pca_dim));
  const Eigen::Index N = F.rows();
  const Eigen::MatrixXd X =
      options.pca_dim > 0
          ? pca_scores(F,
                       std::min<Eigen::Index>({options.pca_dim, F.cols(), std::max<Eigen::Index>(N - 1, 1)}))
          : Eigen::MatrixXd(F);
  const int C = classes.count();

  const Fit first = fisher_posterior(X, classes, std::nullopt);
  const Eigen::MatrixXd soft = softmax_rows(first.posterior);  // the reference's second softmax

  Eigen::MatrixXd means;
  Eigen::VectorXd priors;
  detail::class_means(X, classes, means, priors);
  const Eigen::MatrixXd others = ((-means).rowwise() + means.colwise().sum()) / static_cast<double>(C - 1);
  Eigen::MatrixXd mixed(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < N; ++i) {
    const int c = classes.index[static_cast<std::size_t>(i)];
    const double p = soft(i, c);
    mixed.row(i) = p * X.row(i) + (1.0 - p) * others.row(c);
  }

  const Fit second = fisher_posterior(mixed, classes, first.shrinkage);
  double total = 0.0;
  for (Eigen::Index i = 0; i < N; ++i)
    total += second.posterior(i, classes.index[static_cast<std::size_t>(i)]);
  return total / static_cast<double>(N);
}

}  // namespace ptlab::score
