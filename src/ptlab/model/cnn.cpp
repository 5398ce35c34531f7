#include "ptlab/model/cnn.hpp"

#include <cmath>

namespace ptlab::model {

std::string to_string(Activation activation) {
  switch (activation) {
    case Activation::relu: return "relu";
    case Activation::leaky_relu: return "leaky_relu";
    case Activation::poly_relu: return "poly_relu";
  }
  return "?";
}

Weights init_weights(const ModelOptions& options, int d, core::Rng& rng) {
  return init_weights(options, data::Basis::direct(d), rng);
}

namespace {

// The standard deviation of one initial weight coordinate in dimension d (the basis's ambient one).
double init_sigma(const ModelOptions& options, const data::Basis& basis) {
  const double d = basis.reduced() ? static_cast<double>(basis.D) + 3.0 : static_cast<double>(basis.width);
  return options.init == Init::fan_in ? 1.0 / std::sqrt(3.0 * d) : options.sigma_0;
}

}  // namespace

Weights init_weights(const ModelOptions& options, const data::Basis& basis, core::Rng& rng) {
  Weights W(2 * options.m, basis.width);
  Eigen::VectorXd g(basis.width);
  const double sigma = init_sigma(options, basis);
  for (Eigen::Index r = 0; r < W.rows(); ++r) {
    data::draw_standard(basis, static_cast<int>(r), rng, g.data());
    W.row(r) = sigma * g.transpose();
  }
  return W;
}

Eigen::VectorXd init_bias(const ModelOptions& options, const data::Basis& basis, core::Rng& rng) {
  if (!options.bias) return {};
  const double sigma = init_sigma(options, basis);
  Eigen::VectorXd b(2 * options.m);
  for (Eigen::Index r = 0; r < b.size(); ++r) b(r) = sigma * rng.normal();
  return b;
}

double activate(const ModelOptions& options, double z) {
  switch (options.activation) {
    case Activation::relu: return z > 0.0 ? z : 0.0;
    case Activation::leaky_relu: return z > 0.0 ? z : options.leaky_slope * z;
    case Activation::poly_relu: return z > 0.0 ? std::pow(z, options.q) : 0.0;
  }
  return 0.0;
}

double activate_grad(const ModelOptions& options, double z) {
  switch (options.activation) {
    case Activation::relu: return z > 0.0 ? 1.0 : 0.0;
    case Activation::leaky_relu: return z > 0.0 ? 1.0 : options.leaky_slope;
    case Activation::poly_relu: return z > 0.0 ? options.q * std::pow(z, options.q - 1.0) : 0.0;
  }
  return 0.0;
}

double logistic_loss(double z) { return std::max(-z, 0.0) + std::log1p(std::exp(-std::abs(z))); }

double logistic_loss_grad(double z) {
  if (z >= 0.0) {
    const double e = std::exp(-z);
    return -e / (1.0 + e);
  }
  return -1.0 / (1.0 + std::exp(z));
}

double second_layer_weight(const ModelOptions& options, int P) {
  // The default (mean, sum) is computed as 1.0 / m, bit for bit what it always was.
  const double filters = options.readout == Readout::mean ? 1.0 / options.m : 1.0;
  return options.patch_pool == PatchPool::mean ? filters / P : filters;
}

namespace {

Eigen::VectorXd second_layer(const ModelOptions& options, int P) {
  const int m = options.m;
  const double w = second_layer_weight(options, P);
  Eigen::VectorXd a(2 * m);
  a.head(m).setConstant(w);
  a.tail(m).setConstant(-w);
  return a;
}

// f_i = Σ_p (aᵀ σ(A))_{iP+p}, written into f (n). ReLU, the default, runs as one vectorised
// pass; the other activations element by element.
void reduce_outputs(const ModelOptions& options, const Eigen::MatrixXd& A, const Eigen::VectorXd& a,
                    int P, Eigen::VectorXd& f) {
  const Eigen::Index n = A.cols() / P;
  f.setZero(n);
  if (options.activation == Activation::relu) {
    for (Eigen::Index c = 0; c < A.cols(); ++c) f(c / P) += a.dot(A.col(c).cwiseMax(0.0));
    return;
  }
  for (Eigen::Index c = 0; c < A.cols(); ++c) {
    double s = 0.0;
    for (Eigen::Index r = 0; r < A.rows(); ++r) s += a(r) * activate(options, A(r, c));
    f(c / P) += s;
  }
}

}  // namespace

Eigen::VectorXd outputs(const ModelOptions& options, const Weights& W, const Eigen::MatrixXd& X,
                        int P) {
  const Eigen::MatrixXd A = W * X;
  Eigen::VectorXd f;
  reduce_outputs(options, A, second_layer(options, P), P, f);
  return f;
}

double mean_loss(const Eigen::VectorXd& f, const Eigen::VectorXd& y) {
  double sum = 0.0;
  for (Eigen::Index i = 0; i < f.size(); ++i) sum += logistic_loss(y(i) * f(i));
  return sum / static_cast<double>(f.size());
}

double error_rate(const Eigen::VectorXd& f, const Eigen::VectorXd& y) {
  double wrong = 0.0;
  for (Eigen::Index i = 0; i < f.size(); ++i) {
    const double margin = y(i) * f(i);
    wrong += margin < 0.0 ? 1.0 : (margin == 0.0 ? 0.5 : 0.0);
  }
  return wrong / static_cast<double>(f.size());
}

Evaluator::Evaluator(const ModelOptions& options, const data::Dataset& data)
    : options_(options),
      data_(data),
      A_(2 * options.m, data.X.cols()),
      C_(2 * options.m, data.X.cols()),
      a_(second_layer(options, data.P)),
      f_(data.n()) {}

double Evaluator::loss_and_gradient(const Weights& W, Weights* gradient) {
  A_.noalias() = W * data_.X;
  const double loss = loss_from_preactivations(gradient != nullptr);
  if (gradient != nullptr) gradient->noalias() = C_ * data_.X.transpose();
  return loss;
}

double Evaluator::loss_from_preactivations(bool coefficients) {
  const int P = data_.P;
  const Eigen::Index n = data_.n();
  reduce_outputs(options_, A_, a_, P, f_);
  double loss = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) loss += logistic_loss(data_.y(i) * f_(i));
  loss /= static_cast<double>(n);
  if (!coefficients) return loss;
  // ∂L/∂w_{j,r} = (1/n) Σ_i ℓ'(y_i f_i) y_i a_{j,r} Σ_p σ'(⟨w_{j,r}, x_i⁽ᵖ⁾⟩) x_i⁽ᵖ⁾ = C Xᵀ.
  if (options_.activation == Activation::relu) {
    for (Eigen::Index c = 0; c < A_.cols(); ++c) {
      const Eigen::Index i = c / P;
      const double g = logistic_loss_grad(data_.y(i) * f_(i)) * data_.y(i) / static_cast<double>(n);
      C_.col(c) = (A_.col(c).array() > 0.0).select(g * a_.array(), 0.0);
    }
    return loss;
  }
  for (Eigen::Index c = 0; c < A_.cols(); ++c) {
    const Eigen::Index i = c / P;
    const double g = logistic_loss_grad(data_.y(i) * f_(i)) * data_.y(i) / static_cast<double>(n);
    for (Eigen::Index r = 0; r < A_.rows(); ++r)
      C_(r, c) = g * a_(r) * activate_grad(options_, A_(r, c));
  }
  return loss;
}

Eigen::VectorXd outputs_from_preactivations(const ModelOptions& options, const Eigen::MatrixXd& A, int P) {
  Eigen::VectorXd f;
  reduce_outputs(options, A, second_layer(options, P), P, f);
  return f;
}

}  // namespace ptlab::model
