#include "ptlab/train/span.hpp"

#include <cmath>
#include <vector>

#include "ptlab/train/detail/backend.hpp"

namespace ptlab::train {

bool per_filter_mask(const Eigen::MatrixXd& trainable) {
  for (Eigen::Index r = 0; r < trainable.rows(); ++r)
    if ((trainable.row(r).array() != trainable(r, 0)).any()) return false;
  return true;
}

CostEstimate estimate_cost(int d_, int n_, int P_, int n_test_, int m_, int steps_, int curve_every_) {
  const double d = d_, n = n_, P = P_, nt = n_test_, rows = 2.0 * m_, T = steps_;
  const double E = std::floor(T / std::max(curve_every_, 1)) + 2.0;
  const double K = (P - 1) + n, Kt = (P - 1) + nt;
  CostEstimate c;
  c.dense = T * 2.0 * rows * d * n * P + E * rows * d * nt * P;
  c.span = d * (K * K + rows * n * P + rows * Kt + K * Kt) + T * (rows * K * K + rows * n * P) + E * rows * K * Kt;
  return c;
}

Backend choose_backend(Backend requested, bool per_filter, const CostEstimate& cost) {
  if (!per_filter) return Backend::dense;
  if (requested != Backend::automatic) return requested;
  return cost.span < cost.dense ? Backend::span : Backend::dense;
}

namespace detail {
namespace {

// The distinct nonzero patches of a data set as the columns of B (d × K), with X = B·M: column c
// of X is sign[c]·B.col(index[c]) (index −1: a zero patch). Signal patches ŷ_i·s_p of every
// sample are recognised as ±(sample 0's patch p) by exact comparison, so they count once; any
// patch that does not match gets its own column, so the factorisation is exact for any data.
struct Patches {
  Eigen::MatrixXd B;
  std::vector<Eigen::Index> index;
  std::vector<double> sign;
};

Patches distinct_patches(const data::Dataset& data) {
  const Eigen::Index n = data.n(), P = data.P, cols = data.X.cols();
  Patches out;
  out.index.assign(static_cast<std::size_t>(cols), -1);
  out.sign.assign(static_cast<std::size_t>(cols), 1.0);
  std::vector<Eigen::Index> columns;  // column of X behind each basis vector
  for (Eigen::Index p = 0; p < P; ++p) {
    const bool signal = p < P - 1;
    Eigen::Index reference = -1;  // basis index of the first nonzero signal patch p
    for (Eigen::Index i = 0; i < n; ++i) {
      const Eigen::Index c = i * P + p;
      const auto x = data.X.col(c);
      if (!(x.array() != 0.0).any()) continue;  // a zero patch contributes nothing
      const auto k = static_cast<std::size_t>(c);
      if (signal && reference >= 0) {
        const auto ref = data.X.col(columns[static_cast<std::size_t>(reference)]);
        if (x == ref) {
          out.index[k] = reference;
          continue;
        }
        if (x == -ref) {
          out.index[k] = reference;
          out.sign[k] = -1.0;
          continue;
        }
      }
      out.index[k] = static_cast<Eigen::Index>(columns.size());
      if (signal && reference < 0) reference = out.index[k];
      columns.push_back(c);
    }
  }
  out.B.resize(data.X.rows(), static_cast<Eigen::Index>(columns.size()));
  for (std::size_t k = 0; k < columns.size(); ++k) out.B.col(static_cast<Eigen::Index>(k)) = data.X.col(columns[k]);
  return out;
}

// A (rows × cols) = diag(scale)·A0 + gather of Q's columns (Q: rows × K) by (index, sign).
void assemble(const Eigen::VectorXd& scale, bool unit_scale, const Eigen::MatrixXd& A0, const Eigen::MatrixXd& Q,
              const Patches& p, Eigen::MatrixXd& A) {
  A.resize(A0.rows(), A0.cols());
  for (Eigen::Index c = 0; c < A0.cols(); ++c) {
    const Eigen::Index k = p.index[static_cast<std::size_t>(c)];
    if (unit_scale) A.col(c) = A0.col(c);
    else A.col(c) = scale.cwiseProduct(A0.col(c));
    if (k >= 0) A.col(c) += p.sign[static_cast<std::size_t>(c)] * Q.col(k);
  }
}

class SpanEngine final : public Engine {
 public:
  SpanEngine(model::Weights W0, const Eigen::MatrixXd& trainable, const Eigen::MatrixXd& anchored,
             const data::Dataset& train, const data::Dataset& test)
      : W0_(std::move(W0)), train_(distinct_patches(train)), test_(distinct_patches(test)) {
    const Eigen::Index rows = W0_.rows(), K = train_.B.cols();
    H_.noalias() = train_.B.transpose() * train_.B;
    A0_.noalias() = W0_ * train.X;
    // Test pre-activations through the distinct test patches T: W(0)·T and Bᵀ·T.
    W0T_.noalias() = W0_ * test_.B;
    BT_.noalias() = train_.B.transpose() * test_.B;
    scale_ = Eigen::VectorXd::Ones(rows);
    coef_ = Eigen::MatrixXd::Zero(rows, K);
    trainable_ = Eigen::VectorXd::Ones(rows);
    if (trainable.size() != 0) trainable_ = trainable.col(0);
    all_trainable_ = (trainable_.array() != 0.0).all();
    factor_ = Eigen::VectorXd::Ones(rows);
    anchored_ = Eigen::VectorXd::Zero(rows);
    if (anchored.size() != 0) anchored_ = anchored.col(0);
  }

  void preactivations(Eigen::MatrixXd& A) override {
    Q_.noalias() = coef_ * H_;  // Q = B_c·BᵀB: column k is W_span's response to basis vector k
    assemble(scale_, unit_scale_, A0_, Q_, train_, A);
  }

  void test_preactivations(Eigen::MatrixXd& A) override {
    // W(t)·T = diag(a)·W(0)T + B_c·(BᵀT), then gather the test columns.
    Eigen::MatrixXd WT = unit_scale_ ? W0T_ : Eigen::MatrixXd(scale_.asDiagonal() * W0T_);
    WT.noalias() += coef_ * BT_;
    A.resize(W0_.rows(), static_cast<Eigen::Index>(test_.index.size()));
    for (Eigen::Index c = 0; c < A.cols(); ++c) {
      const Eigen::Index k = test_.index[static_cast<std::size_t>(c)];
      if (k >= 0) A.col(c) = test_.sign[static_cast<std::size_t>(c)] * WT.col(k);
      else A.col(c).setZero();
    }
  }

  void step(const Eigen::MatrixXd& C, double eta, double weight_decay, double l2sp) override {
    // B_c ← (1 − ηλ)·B_c − η·C·Mᵀ and a ← (1 − ηλ)·a, on trainable filters only. An anchored
    // filter (L2-SP) decays by 1 − η(λ + λ_SP) and its a moves towards 1 by ηλ_SP: its gradient
    // term λ_SP(W_r − W_r(0)) = λ_SP((a_r − 1)W_r(0) + B_c,r Bᵀ) keeps W_r in the span.
    const double decay = 1.0 - eta * weight_decay;
    const double anchored_decay = 1.0 - eta * (weight_decay + l2sp);
    if (weight_decay > 0.0 || (l2sp > 0.0 && (anchored_.array() != 0.0).any())) unit_scale_ = false;
    step_.setZero(coef_.rows(), coef_.cols());
    for (Eigen::Index c = 0; c < C.cols(); ++c) {
      const Eigen::Index k = train_.index[static_cast<std::size_t>(c)];
      if (k >= 0) step_.col(k) += train_.sign[static_cast<std::size_t>(c)] * C.col(c);
    }
    // Per filter r: coef_r ← factor_r·coef_r − η·trainable_r·step_r, applied column by column
    // (contiguous in memory) with the per-filter factors as a vector.
    for (Eigen::Index r = 0; r < coef_.rows(); ++r) {
      factor_(r) = 1.0;
      if (trainable_(r) == 0.0) continue;
      if (l2sp > 0.0 && anchored_(r) != 0.0) {
        scale_(r) = anchored_decay * scale_(r) + eta * l2sp;
        factor_(r) = anchored_decay;
      } else if (weight_decay > 0.0) {
        scale_(r) *= decay;
        factor_(r) = decay;
      }
    }
    if (unit_scale_ && all_trainable_) {
      coef_.noalias() -= eta * step_;
    } else {
      coef_ = factor_.asDiagonal() * coef_;
      coef_.noalias() -= (eta * trainable_).asDiagonal() * step_;
    }
  }

  model::Weights weights() const override {
    model::Weights W = unit_scale_ ? W0_ : model::Weights(scale_.asDiagonal() * W0_);
    W.noalias() += coef_ * train_.B.transpose();
    return W;
  }

  // x·0 is 0 for every finite x and NaN for ±inf and NaN, so the sum is 0 exactly when all are
  // finite: allFinite() without its per-element branch (this runs every step).
  bool finite() const override { return (coef_.array() * 0.0).sum() == 0.0 && scale_.allFinite(); }

 private:
  model::Weights W0_;
  Patches train_, test_;
  Eigen::MatrixXd H_, A0_, W0T_, BT_, Q_, coef_, step_;
  Eigen::VectorXd scale_, trainable_, anchored_, factor_;
  bool all_trainable_ = true;  ///< every filter trains: the step is one vector operation
  bool unit_scale_ = true;  ///< a ≡ 1 (no weight decay applied yet): skip the scaling
};

}  // namespace

std::unique_ptr<Engine> make_span(model::Weights W0, const Eigen::MatrixXd& trainable, const Eigen::MatrixXd& anchored,
                                  const data::Dataset& train, const data::Dataset& test) {
  return std::make_unique<SpanEngine>(std::move(W0), trainable, anchored, train, test);
}

}  // namespace detail
}  // namespace ptlab::train
