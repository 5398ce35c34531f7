#include "ptlab/train/gd.hpp"

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

TrainResult gradient_descent(model::Weights W0, const Eigen::MatrixXd& trainable,
                             const data::Dataset& train, const data::Dataset& test,
                             const model::ModelOptions& model, const GdOptions& options,
                             const StepObserver& observer) {
  TrainResult result;
  result.W = std::move(W0);
  model::Weights& W = result.W;
  model::Weights grad(W.rows(), W.cols());
  model::Evaluator evaluator(model, train);
  const bool masked = trainable.size() != 0;

  const auto record = [&](int step, double loss) {
    const Eigen::VectorXd f_test = model::outputs(model, W, test.X, test.P);
    result.train_loss = loss;
    result.train_error = model::error_rate(evaluator.outputs(), train.y);
    result.test_error = model::error_rate(f_test, test.y);
    result.test_error_true = model::error_rate(f_test, test.y_true);
    result.curve.push_back({step, loss, result.train_error, result.test_error,
                            result.test_error_true});
  };

  for (int t = 0;; ++t) {
    const bool last = t == options.steps;
    const double loss = evaluator.loss_and_gradient(W, last ? nullptr : &grad);
    if (!std::isfinite(loss) || !W.allFinite()) {
      const double nan = std::numeric_limits<double>::quiet_NaN();
      result.status = Status::diverged;
      result.steps = t;
      result.train_loss = result.train_error = result.test_error = result.test_error_true = nan;
      return result;
    }
    const bool converged = options.eps > 0.0 && loss <= options.eps;
    if (observer) {
      const bool stop = last || converged;
      observer(StepView{t, [&W] { return W; }, evaluator.preactivations(), stop ? nullptr : &evaluator.coefficients(),
                        masked ? &trainable : nullptr, options.eta, options.weight_decay});
    }
    if (last || converged) {
      result.status = converged ? Status::converged : Status::completed;
      result.steps = t;
      record(t, loss);
      return result;
    }
    if (t % options.curve_every == 0) record(t, loss);
    if (options.weight_decay > 0.0) grad += options.weight_decay * W;
    if (masked) {
      W.noalias() -= options.eta * trainable.cwiseProduct(grad);
    } else {
      W.noalias() -= options.eta * grad;
    }
  }
}

}  // namespace ptlab::train
