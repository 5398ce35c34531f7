#include "ptlab/score/detail/checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ptlab/core/error.hpp"

namespace ptlab::score::detail {

void check_features(std::string_view score,
                    std::string_view name,
                    const Eigen::Ref<const Eigen::MatrixXd>& F) {
  PTLAB_CHECK(
      F.rows() > 0 && F.cols() > 0,
      fmt::format(
          "{}: {} is {} × {}: expected at least one sample and one column", score, name, F.rows(), F.cols()));
  // allFinite() is false for NaN and ±Inf alike; find the first one only on failure.
  if (!F.allFinite()) [[unlikely]] {
    for (Eigen::Index j = 0; j < F.cols(); ++j)
      for (Eigen::Index i = 0; i < F.rows(); ++i)
        PTLAB_CHECK(
            std::isfinite(F(i, j)),
            fmt::format(
                "{}: {}({}, {}) = {}: expected finite values (no NaN or Inf)", score, name, i, j, F(i, j)));
  }
}

void check_labels(std::string_view score, std::string_view name, std::span<const int> y, Eigen::Index rows) {
  PTLAB_CHECK(!y.empty(), fmt::format("{}: {} is empty: expected one label per sample", score, name));
  PTLAB_CHECK(static_cast<Eigen::Index>(y.size()) == rows,
              fmt::format("{}: {} has {} entries for {} samples: expected one label per sample",
                          score,
                          name,
                          y.size(),
                          rows));
  const auto negative = std::find_if(y.begin(), y.end(), [](int v) { return v < 0; });
  PTLAB_CHECK(negative == y.end(),
              fmt::format("{}: {}[{}] = {}: expected labels ≥ 0",
                          score,
                          name,
                          negative - y.begin(),
                          negative == y.end() ? 0 : *negative));
}

Classes target_classes(std::string_view score,
                       std::span<const int> y,
                       Eigen::Index rows,
                       std::string_view name) {
  check_labels(score, name, y, rows);
  Classes c;
  c.values.assign(y.begin(), y.end());
  std::sort(c.values.begin(), c.values.end());
  c.values.erase(std::unique(c.values.begin(), c.values.end()), c.values.end());
  PTLAB_CHECK(
      c.values.size() >= 2,
      fmt::format(
          "{}: {} with one class ({}): expected at least two classes", score, name, c.values.front()));
  c.size.assign(c.values.size(), 0);
  c.index.resize(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto k =
        static_cast<int>(std::lower_bound(c.values.begin(), c.values.end(), y[i]) - c.values.begin());
    c.index[i] = k;
    ++c.size[static_cast<std::size_t>(k)];
  }
  return c;
}

void class_means(const Eigen::Ref<const Eigen::MatrixXd>& F,
                 const Classes& classes,
                 Eigen::MatrixXd& means,
                 Eigen::VectorXd& priors) {
  const int C = classes.count();
  means = Eigen::MatrixXd::Zero(C, F.cols());
  for (Eigen::Index i = 0; i < F.rows(); ++i)
    means.row(classes.index[static_cast<std::size_t>(i)]) += F.row(i);
  priors.resize(C);
  for (int c = 0; c < C; ++c) {
    const double n_c = classes.size[static_cast<std::size_t>(c)];
    means.row(c) /= n_c;
    priors(c) = n_c / static_cast<double>(F.rows());
  }
}

}  // namespace ptlab::score::detail
