#include "ptlab/data/task.hpp"

#include <cmath>
#include <numbers>
#include <vector>

#include "ptlab/core/error.hpp"

namespace ptlab::data {

int patches(Layout layout) { return layout == Layout::shared ? 2 : 3; }

std::string to_string(Layout layout) { return layout == Layout::shared ? "shared" : "separate"; }

Signals make_signals(const FrameOptions& frame, const TaskOptions& task, int k, int width) {
  if (width == 0) width = frame.d;
  PTLAB_ASSERT(frame.d >= 3 && width >= 3 && (k == 1 || k == 2));
  Signals s{Eigen::VectorXd::Zero(width), Eigen::VectorXd::Zero(width)};
  s.u(0) = frame.norm_u;
  if (k == 1) {
    s.v(1) = task.norm_v;
  } else {
    const double theta = frame.theta * std::numbers::pi / 180.0;
    s.v(1) = task.norm_v * std::cos(theta);
    s.v(2) = task.norm_v * std::sin(theta);
  }
  return s;
}

Dataset sample(const FrameOptions& frame, const TaskOptions& task, const Signals& signals, int n,
               core::Rng& rng) {
  return sample(frame, task, signals, n, rng, Basis::direct(frame.d));
}

Dataset sample(const FrameOptions& frame, const TaskOptions& task, const Signals& signals, int n,
               core::Rng& rng, const Basis& draw) {
  const int d = draw.width;
  PTLAB_ASSERT(signals.u.size() == d && signals.v.size() == d);
  const int P = patches(frame.layout);
  // Orthonormal basis of the signal span to project out (u ⟂ v by construction). The signals lie
  // in E, so the projection touches the first three coordinates only, in either basis.
  std::vector<Eigen::VectorXd> basis;
  if (frame.project_noise)
    for (const Eigen::VectorXd* s : {&signals.u, &signals.v}) {
      const double norm = s->norm();
      if (norm > 0.0) basis.push_back(*s / norm);
    }
  Dataset data{Eigen::MatrixXd(d, static_cast<Eigen::Index>(n) * P), Eigen::VectorXd(n),
               Eigen::VectorXd(n), P};
  Eigen::VectorXd xi(d);
  for (int i = 0; i < n; ++i) {
    const double y_true = rng.uniform() < 0.5 ? -1.0 : 1.0;
    const bool flip = rng.uniform() < task.p;
    data.y_true(i) = y_true;
    data.y(i) = flip ? -y_true : y_true;
    draw_standard(draw, i, rng, xi.data());
    xi *= task.sigma_p;
    for (const Eigen::VectorXd& b : basis) xi -= b.dot(xi) * b;
    const Eigen::Index c = static_cast<Eigen::Index>(i) * P;
    if (frame.layout == Layout::shared) {
      data.X.col(c) = y_true * (signals.u + signals.v);
    } else {
      data.X.col(c) = y_true * signals.u;
      data.X.col(c + 1) = y_true * signals.v;
    }
    data.X.col(c + P - 1) = xi;
  }
  return data;
}

}  // namespace ptlab::data
