#include "ptlab/transfer/transfer.hpp"

#include "ptlab/transfer/controls.hpp"

#include "ptlab/model/features.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace ptlab::transfer {

std::string to_string(Rule rule) {
  switch (rule) {
    case Rule::filter: return "filter";
    case Rule::entry: return "entry";
    case Rule::layer: return "layer";
    case Rule::activation: return "activation";
    case Rule::oracle: return "oracle";
  }
  return "?";
}

int inherited_per_class(double alpha, int m) {
  return std::min(m, static_cast<int>(std::floor(alpha * m + 1e-9)));
}

namespace {

// k distinct indices of [0, m), uniformly at random (partial Fisher–Yates).
std::vector<int> choose(int m, int k, core::Rng& rng) {
  std::vector<int> idx(m);
  std::iota(idx.begin(), idx.end(), 0);
  for (int i = 0; i < k; ++i) {
    const int j = i + static_cast<int>(rng.below(static_cast<std::uint64_t>(m - i)));
    std::swap(idx[i], idx[j]);
  }
  idx.resize(k);
  return idx;
}

// The k filters of class block [offset, offset+m) with the largest sign·⟨w, u⟩ (ties: lower index).
std::vector<int> top_by_signal(const model::Weights& W, int offset, int m, double sign,
                               const Eigen::VectorXd& u, int k) {
  const Eigen::VectorXd score = sign * (W.middleRows(offset, m) * u);
  std::vector<int> idx(m);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return score(a) > score(b); });
  idx.resize(k);
  return idx;
}

}  // namespace

TransferResult apply(const TransferOptions& options, const model::Weights& upstream,
                     const model::Weights& fresh, const Eigen::VectorXd& u,
                     const data::Dataset& train, core::Rng& rng) {
  const int m = static_cast<int>(upstream.rows() / 2);
  TransferResult out{fresh, Eigen::MatrixXd::Zero(upstream.rows(), upstream.cols()), 0, 0};
  const auto copy_row = [&](Eigen::Index r) {
    out.W0.row(r) = upstream.row(r);
    out.inherited.row(r).setOnes();
  };
  switch (options.rule) {
    case Rule::filter:
    case Rule::oracle: {
      const int k = inherited_per_class(options.alpha, m);
      for (int j = 0; j < 2; ++j) {
        const std::vector<int> rows = options.rule == Rule::filter
                                          ? choose(m, k, rng)
                                          : top_by_signal(upstream, j * m, m, j == 0 ? 1.0 : -1.0, u, k);
        for (const int r : rows) copy_row(j * m + r);
      }
      break;
    }
    case Rule::layer:
      for (Eigen::Index r = 0; r < upstream.rows(); ++r) copy_row(r);
      break;
    case Rule::entry:
      // Column-major order of draws, one uniform per entry whatever α.
      for (Eigen::Index c = 0; c < upstream.cols(); ++c)
        for (Eigen::Index r = 0; r < upstream.rows(); ++r)
          if (rng.uniform() < options.alpha) {
            out.W0(r, c) = upstream(r, c);
            out.inherited(r, c) = 1.0;
          }
      break;
    case Rule::activation: {
      for (const int r : active_filters(upstream, train, options.tau)) copy_row(r);
      break;
    }
  }
  if (options.shrink != 1.0 || options.perturb != 0.0) {
    // Only the inherited entries: the others stay the fresh values, as in the scratch run.
    out.W0 = out.inherited.cwiseProduct(shrink_perturb(out.W0, fresh, options.shrink, options.perturb)) +
             (1.0 - out.inherited.array()).matrix().cwiseProduct(fresh);
  }
  for (Eigen::Index r = 0; r < out.inherited.rows(); ++r)
    out.filters_inherited += out.inherited.row(r).minCoeff() == 1.0 ? 1 : 0;
  out.entries_inherited = static_cast<Eigen::Index>(out.inherited.sum());
  return out;
}

Eigen::MatrixXd trainable_mask(const TransferOptions& options, const TransferResult& transfer) {
  if (!options.freeze) return Eigen::MatrixXd();
  return Eigen::MatrixXd::Ones(transfer.inherited.rows(), transfer.inherited.cols()) -
         transfer.inherited;
}

std::vector<int> active_filters(const model::Weights& upstream, const data::Dataset& train, double tau) {
  // Filter w fires on sample i when ⟨w, x_i⁽ᵖ⁾⟩ > 0 for some patch p.
  const Eigen::VectorXi fired = model::active_counts(upstream, train);
  std::vector<int> rows;
  for (Eigen::Index r = 0; r < fired.size(); ++r)
    if (static_cast<double>(fired(r)) >= tau * train.n()) rows.push_back(static_cast<int>(r));
  return rows;
}

}  // namespace ptlab::transfer
