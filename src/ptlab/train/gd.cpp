#include "ptlab/train/gd.hpp"

#include <memory>
#include <stdexcept>

#include "ptlab/train/detail/backend.hpp"
#include "ptlab/train/span.hpp"

#include <cmath>
#include <limits>

namespace ptlab::train {

std::string to_string(Status status) {
  switch (status) {
    case Status::completed: return "completed";
    case Status::converged: return "converged";
    case Status::diverged: return "diverged";
  }
  return "?";
}

std::string to_string(Backend backend) {
  switch (backend) {
    case Backend::automatic: return "auto";
    case Backend::dense: return "dense";
    case Backend::span: return "span";
  }
  return "?";
}

namespace detail {
namespace {

class DenseEngine final : public Engine {
 public:
  DenseEngine(model::Weights W0, const Eigen::MatrixXd& trainable, const Eigen::MatrixXd& anchored,
              const data::Dataset& train, const data::Dataset& test)
      : W_(std::move(W0)), grad_(W_.rows(), W_.cols()), trainable_(trainable), anchored_(anchored), train_(train),
        test_(test) {
    if (anchored_.size() != 0) W0_ = W_;
  }
  void preactivations(Eigen::MatrixXd& A) override { A.noalias() = W_ * train_.X; }
  void test_preactivations(Eigen::MatrixXd& A) override { A.noalias() = W_ * test_.X; }
  void step(const Eigen::MatrixXd& C, double eta, double weight_decay, double l2sp) override {
    grad_.noalias() = C * train_.X.transpose();
    if (weight_decay > 0.0) grad_ += weight_decay * W_;
    if (l2sp > 0.0 && anchored_.size() != 0) grad_ += l2sp * anchored_.cwiseProduct(W_ - W0_);
    if (trainable_.size() != 0) {
      W_.noalias() -= eta * trainable_.cwiseProduct(grad_);
    } else {
      W_.noalias() -= eta * grad_;
    }
  }
  model::Weights weights() const override { return W_; }
  bool finite() const override { return W_.allFinite(); }

 private:
  model::Weights W_, grad_, W0_;  // W0_: the L2-SP anchor, held only when some entry is anchored
  Eigen::MatrixXd trainable_, anchored_;  // copies: callers may pass temporaries
  const data::Dataset& train_;
  const data::Dataset& test_;
};

}  // namespace

std::unique_ptr<Engine> make_dense(model::Weights W0, const Eigen::MatrixXd& trainable, const Eigen::MatrixXd& anchored,
                                   const data::Dataset& train, const data::Dataset& test) {
  return std::make_unique<DenseEngine>(std::move(W0), trainable, anchored, train, test);
}

}  // namespace detail

TrainResult gradient_descent(model::Weights W0, const Eigen::MatrixXd& trainable,
                             const data::Dataset& train, const data::Dataset& test,
                             const model::ModelOptions& model, const GdOptions& options,
                             const StepObserver& observer, const Eigen::MatrixXd& anchored_in,
                             const Eigen::VectorXd& b0) {
  // Without a penalty the anchor is irrelevant: drop it, so that l2sp = 0 runs exactly as before.
  const Eigen::MatrixXd anchored = options.l2sp > 0.0 ? anchored_in : Eigen::MatrixXd();
  const bool per_filter = per_filter_mask(trainable) && per_filter_mask(anchored);
  const CostEstimate cost = estimate_cost(static_cast<int>(W0.cols()), train.n(), train.P, test.n(), model.m,
                                          options.steps, options.curve_every);
  const Backend backend = choose_backend(options.backend, per_filter, cost);
  std::unique_ptr<detail::Engine> engine =
      backend == Backend::span ? detail::make_span(std::move(W0), trainable, anchored, train, test)
                               : detail::make_dense(std::move(W0), trainable, anchored, train, test);

  TrainResult result;
  result.backend = backend;
  model::Evaluator evaluator(model, train);
  // The bias lives here, outside the engines: it is one number per filter, whatever the backend.
  if (model.bias) result.b = b0.size() != 0 ? b0 : Eigen::VectorXd::Zero(2 * model.m);
  Eigen::VectorXd& b = result.b;
  Eigen::MatrixXd test_A;

  const auto record = [&](int step, double loss) {
    engine->test_preactivations(test_A);
    if (model.bias) test_A.colwise() += b;
    const Eigen::VectorXd f_test = model::outputs_from_preactivations(model, test_A, test.P);
    result.train_loss = loss;
    result.train_error = model::error_rate(evaluator.outputs(), train.y);
    result.test_error = model::error_rate(f_test, test.y);
    result.test_error_true = model::error_rate(f_test, test.y_true);
    result.curve.push_back({step, loss, result.train_error, result.test_error,
                            result.test_error_true});
  };

  for (int t = 0;; ++t) {
    const bool last = t == options.steps;
    engine->preactivations(evaluator.preactivations_buffer());
    if (model.bias) evaluator.preactivations_buffer().colwise() += b;
    const double loss = evaluator.loss_from_preactivations(!last);
    if (!std::isfinite(loss) || !engine->finite() || !b.allFinite()) {
      const double nan = std::numeric_limits<double>::quiet_NaN();
      result.W = engine->weights();
      result.status = Status::diverged;
      result.steps = t;
      result.train_loss = result.train_error = result.test_error = result.test_error_true = nan;
      return result;
    }
    const bool converged = options.eps > 0.0 && loss <= options.eps;
    const bool stop = last || converged;
    if (observer) {
      observer(StepView{t, [&engine] { return engine->weights(); }, evaluator.preactivations(),
                        stop ? nullptr : &evaluator.coefficients(), trainable.size() != 0 ? &trainable : nullptr,
                        options.eta, options.weight_decay, anchored.size() != 0 ? &anchored : nullptr,
                        options.l2sp});
    }
    if (stop) {
      result.status = converged ? Status::converged : Status::completed;
      result.steps = t;
      record(t, loss);
      result.W = engine->weights();
      return result;
    }
    if (t % options.curve_every == 0) record(t, loss);
    if (model.bias) {
      // ∂L/∂b_{j,r} = Σ over every patch (zero patches included: σ'(b) need not vanish) of C;
      // weight decay acts on it as on the weights (PyTorch's SGD weight_decay does); the bias is
      // not anchored by L2-SP; a frozen filter's bias stays.
      Eigen::VectorXd grad = evaluator.coefficients().rowwise().sum();
      if (options.weight_decay > 0.0) grad += options.weight_decay * b;
      if (trainable.size() != 0) grad = grad.cwiseProduct(trainable.col(0));
      b.noalias() -= options.eta * grad;
    }
    engine->step(evaluator.coefficients(), options.eta, options.weight_decay, options.l2sp);
  }
}

}  // namespace ptlab::train
