#include "ptlab/dynamics/decomposition.hpp"

#include "ptlab/core/error.hpp"

namespace ptlab::dynamics {

std::vector<Eigen::VectorXd> signal_directions(data::Layout layout, const data::Signals& signals) {
  if (layout == data::Layout::shared) return {signals.u + signals.v};
  return {signals.u, signals.v};
}

std::vector<std::string> signal_names(data::Layout layout) {
  if (layout == data::Layout::shared) return {"gamma"};
  return {"gamma_u", "gamma_v"};
}

namespace {

// Column of patch `p` (0-based) of sample `i`.
Eigen::Index column(const data::Dataset& data, Eigen::Index i, int p) { return i * data.P + p; }

}  // namespace

model::Weights rebuild(const model::Weights& W0, const Coefficients& c, const data::Dataset& train,
                       const std::vector<Eigen::VectorXd>& directions) {
  model::Weights W = c.scale.asDiagonal() * W0;
  for (std::size_t s = 0; s < directions.size(); ++s) {
    const double sq = directions[s].squaredNorm();
    if (sq > 0) W.noalias() += c.gamma.col(static_cast<Eigen::Index>(s)) * (directions[s] / sq).transpose();
  }
  for (Eigen::Index i = 0; i < train.n(); ++i) {
    const auto xi = train.X.col(column(train, i, train.P - 1));
    const double sq = xi.squaredNorm();
    if (sq > 0) W.noalias() += c.rho.col(i) * (xi / sq).transpose();
  }
  return W;
}

Decomposition::Decomposition(const data::Dataset& train, std::vector<Eigen::VectorXd> directions, int filters)
    : train_(train), directions_(std::move(directions)) {
  PTLAB_ASSERT_MSG(static_cast<int>(directions_.size()) == train.P - 1, "one signal direction per signal patch");
  direction_sq_.resize(static_cast<Eigen::Index>(directions_.size()));
  for (std::size_t s = 0; s < directions_.size(); ++s)
    direction_sq_(static_cast<Eigen::Index>(s)) = directions_[s].squaredNorm();
  noise_sq_.resize(train.n());
  for (Eigen::Index i = 0; i < train.n(); ++i)
    noise_sq_(i) = train.X.col(column(train, i, train.P - 1)).squaredNorm();
  c_.scale = Eigen::VectorXd::Ones(filters);
  c_.gamma = Eigen::MatrixXd::Zero(filters, static_cast<Eigen::Index>(directions_.size()));
  c_.rho = Eigen::MatrixXd::Zero(filters, train.n());
}

void Decomposition::update(const train::StepView& view) {
  if (view.C == nullptr) return;
  const Eigen::MatrixXd& C = *view.C;
  const Eigen::Index rows = C.rows();
  PTLAB_ASSERT_MSG(rows == c_.scale.size() && C.cols() == train_.X.cols(),
                   "the coefficient matrix does not match the filters and the data set");
  const double eta = view.eta;
  for (Eigen::Index r = 0; r < rows; ++r) {
    // An anchored filter (L2-SP) decays by 1 − η(λ + λ_SP) and its init coefficient moves
    // towards 1 by ηλ_SP (train/gd.hpp); an entry-wise anchor leaves the span.
    bool anchored = false;
    if (view.anchored != nullptr && view.l2sp > 0.0) {
      const auto row = view.anchored->row(r);
      anchored = row(0) != 0.0;
      if ((row.array() != row(0)).any()) exact_ = false;
    }
    const double decay = 1.0 - eta * (view.weight_decay + (anchored ? view.l2sp : 0.0));
    // The update of filter r is M_r ⊙ (…); a filter-constant mask keeps it in the span.
    double mask = 1.0;
    if (view.trainable != nullptr) {
      const auto row = view.trainable->row(r);
      mask = row(0);
      if ((row.array() != mask).any()) exact_ = false;
    }
    if (mask == 0.0) continue;
    c_.scale(r) = decay * c_.scale(r) + (anchored ? eta * view.l2sp : 0.0);
    for (Eigen::Index s = 0; s < c_.gamma.cols(); ++s) {
      double g = 0.0;
      for (Eigen::Index i = 0; i < train_.n(); ++i) g += C(r, column(train_, i, static_cast<int>(s))) * train_.y_true(i);
      c_.gamma(r, s) = decay * c_.gamma(r, s) - eta * g * direction_sq_(s);
    }
    for (Eigen::Index i = 0; i < train_.n(); ++i)
      c_.rho(r, i) = decay * c_.rho(r, i) - eta * C(r, column(train_, i, train_.P - 1)) * noise_sq_(i);
  }
  c_.step = view.step + 1;
}

}  // namespace ptlab::dynamics
