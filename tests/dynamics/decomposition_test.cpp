#include "ptlab/dynamics/decomposition.hpp"

#include <gtest/gtest.h>

#include <map>

#include "ptlab/dynamics/trajectory.hpp"

using namespace ptlab;

namespace {

struct Case {
  data::Layout layout = data::Layout::shared;
  model::Activation activation = model::Activation::relu;
  double norm_u = 1.0, p = 0.0, weight_decay = 0.0, sigma_p = 0.5;
  bool freeze_half = false;
  std::uint64_t seed = 1;
  double l2sp = 0.0;  // anchors filters 1, 2 and 6 (L2-SP) when > 0
};

struct Fixture {
  data::Dataset train, test;
  data::Signals signals;
  model::Weights W0;
  model::ModelOptions model{.m = 4, .sigma_0 = 0.1};
  Eigen::MatrixXd mask, anchored;
};

Fixture setup(const Case& c) {
  const data::FrameOptions f{.d = 50, .layout = c.layout, .norm_u = c.norm_u, .theta = 90, .n_test = 50};
  const data::TaskOptions t{.n = 24, .norm_v = 1.5, .sigma_p = c.sigma_p, .p = c.p};
  Fixture s;
  s.signals = data::make_signals(f, t, 2);
  core::Rng rng(c.seed);
  s.train = data::sample(f, t, s.signals, t.n, rng);
  s.test = data::sample(f, t, s.signals, f.n_test, rng);
  s.model.activation = c.activation;
  s.W0 = model::init_weights(s.model, f.d, rng);
  if (c.freeze_half) {
    s.mask = Eigen::MatrixXd::Ones(s.W0.rows(), s.W0.cols());
    s.mask.row(0).setZero();
    s.mask.row(5).setZero();
  }
  if (c.l2sp > 0.0) {
    s.anchored = Eigen::MatrixXd::Zero(s.W0.rows(), s.W0.cols());
    for (const int r : {1, 2, 6}) s.anchored.row(r).setOnes();
  }
  return s;
}

double relative_error(const model::Weights& rebuilt, const model::Weights& W, const model::Weights& W0) {
  const double moved = (W - W0).norm();
  return (rebuilt - W).norm() / std::max(moved, 1e-300);
}

// Runs GD with a Decomposition attached; checks the rebuild at every 7th step and at the end.
double worst_rebuild_error(const Case& c, train::Backend backend, int steps = 60, double eta = 0.8) {
  Fixture s = setup(c);
  const auto directions = dynamics::signal_directions(c.layout, s.signals);
  dynamics::Decomposition dec(s.train, directions, static_cast<int>(s.W0.rows()));
  double worst = 0.0;
  int checked = 0;
  train::gradient_descent(s.W0, s.mask, s.train, s.test, s.model,
                          {.steps = steps, .eta = eta, .weight_decay = c.weight_decay, .l2sp = c.l2sp,
                           .curve_every = steps, .backend = backend},
                          [&](const train::StepView& v) {
                            if (v.step % 7 == 0 || v.C == nullptr) {
                              EXPECT_EQ(dec.coefficients().step, v.step);
                              if (v.step > 0) {
                                worst = std::max(worst, relative_error(rebuild(s.W0, dec.coefficients(), s.train,
                                                                               directions), v.weights(), s.W0));
                                ++checked;
                              }
                            }
                            dec.update(v);
                          },
                          s.anchored);
  EXPECT_GT(checked, 5);
  EXPECT_TRUE(dec.exact());
  return worst;
}

}  // namespace

TEST(Decomposition, RebuildsTheWeightsExactlyOverManyConfigs) {
  // Layouts, activations, label noise, weight decay, L2-SP, frozen filters and a zero universal signal.
  std::vector<Case> cases;
  std::uint64_t seed = 1;
  for (auto layout : {data::Layout::shared, data::Layout::separate})
    for (auto act : {model::Activation::relu, model::Activation::leaky_relu, model::Activation::poly_relu})
      for (double wd : {0.0, 0.05}) {
        cases.push_back({layout, act, 1.0, 0.0, wd, 0.5, false, seed++});
        cases.push_back({layout, act, 0.0, 0.2, wd, 1.0, true, seed++});
        // L2-SP on three filters (one of them frozen in the second case), with and without decay.
        cases.push_back({layout, act, 1.0, 0.0, wd, 0.5, false, seed++, 0.3});
        cases.push_back({layout, act, 1.0, 0.1, wd, 0.5, true, seed++, 0.05});
      }
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "layout " << data::to_string(c.layout) << " activation "
                                      << model::to_string(c.activation) << " seed " << c.seed);
    for (const auto backend : {train::Backend::dense, train::Backend::span})
      EXPECT_LT(worst_rebuild_error(c, backend), 1e-8) << train::to_string(backend);
  }
}

TEST(Decomposition, FirstStepMatchesTheClosedForm) {
  // One step from W(0): γ^s_{j,r} = −η Σ_i C_{r,(i,s)} ŷ_i ‖s‖², ρ_{j,r,i} = −η C_{r,(i,ξ)} ‖ξ_i‖²,
  // with C_{r,c} = ℓ'(y_i f_i) y_i a_r σ'(⟨w_r, x_c⟩) / n (Cao et al. 2022, Lemma 4.1 form).
  Fixture s = setup({});
  const double eta = 0.3;
  const auto directions = dynamics::signal_directions(data::Layout::shared, s.signals);
  dynamics::Decomposition dec(s.train, directions, static_cast<int>(s.W0.rows()));
  train::gradient_descent(s.W0, {}, s.train, s.test, s.model, {.steps = 1, .eta = eta, .curve_every = 1},
                          [&](const train::StepView& v) { dec.update(v); });
  const Eigen::VectorXd f = model::outputs(s.model, s.W0, s.train.X, 2);
  const int n = s.train.n(), m = s.model.m;
  const double s_sq = directions[0].squaredNorm();
  for (int r = 0; r < 2 * m; ++r) {
    const double a = (r < m ? 1.0 : -1.0) / m;
    double gamma = 0.0;
    for (int i = 0; i < n; ++i) {
      const double g = model::logistic_loss_grad(s.train.y(i) * f(i)) * s.train.y(i) * a / n;
      const double z_signal = s.W0.row(r).dot(s.train.X.col(2 * i));
      const double z_noise = s.W0.row(r).dot(s.train.X.col(2 * i + 1));
      gamma += -eta * g * (z_signal > 0 ? 1.0 : 0.0) * s.train.y_true(i) * s_sq;
      const double rho = -eta * g * (z_noise > 0 ? 1.0 : 0.0) * s.train.X.col(2 * i + 1).squaredNorm();
      EXPECT_NEAR(dec.coefficients().rho(r, i), rho, 1e-15);
    }
    EXPECT_NEAR(dec.coefficients().gamma(r, 0), gamma, 1e-14);
  }
}

TEST(Decomposition, SignsFollowCaoEtAlWithoutLabelNoise) {
  // Clean labels, ReLU, no weight decay: j·γ_{j,r} never decreases and ρ_{j,r,i} has the sign of
  // j·y_i (ρ̄ only for j = y_i, ρ̲ only for j ≠ y_i) — Cao et al. 2022, Lemma 5.x monotonicity.
  Fixture s = setup({.sigma_p = 1.0, .seed = 7});
  const auto directions = dynamics::signal_directions(data::Layout::shared, s.signals);
  dynamics::Decomposition dec(s.train, directions, static_cast<int>(s.W0.rows()));
  Eigen::VectorXd last_signed = Eigen::VectorXd::Zero(s.W0.rows());
  const int m = s.model.m;
  train::gradient_descent(s.W0, {}, s.train, s.test, s.model, {.steps = 80, .eta = 1.0, .curve_every = 80},
                          [&](const train::StepView& v) {
                            dec.update(v);
                            const auto& c = dec.coefficients();
                            for (Eigen::Index r = 0; r < c.gamma.rows(); ++r) {
                              const double j = r < m ? 1.0 : -1.0;
                              EXPECT_GE(j * c.gamma(r, 0), last_signed(r));
                              last_signed(r) = j * c.gamma(r, 0);
                              for (Eigen::Index i = 0; i < c.rho.cols(); ++i)
                                EXPECT_GE(j * s.train.y(i) * c.rho(r, i), 0.0);
                            }
                          });
  EXPECT_GT(last_signed.minCoeff(), 0.0);  // every filter learned some signal
}

TEST(Decomposition, EntryWiseMaskIsReportedNotExact) {
  Fixture s = setup({});
  s.mask = Eigen::MatrixXd::Ones(s.W0.rows(), s.W0.cols());
  s.mask(0, 3) = 0.0;
  const auto directions = dynamics::signal_directions(data::Layout::shared, s.signals);
  dynamics::Decomposition dec(s.train, directions, static_cast<int>(s.W0.rows()));
  train::gradient_descent(s.W0, s.mask, s.train, s.test, s.model, {.steps = 3, .eta = 0.5, .curve_every = 3},
                          [&](const train::StepView& v) { dec.update(v); });
  EXPECT_FALSE(dec.exact());
}

TEST(Recorder, SummariesMatchTheCoefficientsAndWeights) {
  Fixture s = setup({.seed = 3});
  const data::Signals& sig = s.signals;
  const dynamics::Probes probes{sig.u, sig.v, sig.v};
  Eigen::VectorXd inherited = Eigen::VectorXd::Zero(s.W0.rows());
  inherited(1) = inherited(6) = 1.0;
  dynamics::Recorder rec({.every = 10, .full = true}, s.train,
                         dynamics::signal_directions(data::Layout::shared, sig),
                         dynamics::signal_names(data::Layout::shared), probes, inherited,
                         static_cast<int>(s.W0.rows()));
  const auto result = train::gradient_descent(s.W0, {}, s.train, s.test, s.model,
                                              {.steps = 35, .eta = 1.0, .curve_every = 35}, rec.observer());
  const dynamics::PhaseDynamics d = rec.take();
  // Checkpoints 0, 10, 20, 30 and the end (35); groups all, inherited, fresh; 7 quantities each.
  ASSERT_EQ(d.full.size(), 5u);
  EXPECT_EQ(d.full.back().step, 35);
  EXPECT_EQ(d.summary.size(), 5u * 3u * 7u);
  std::map<std::string, dynamics::SummaryRow> last;
  for (const auto& r : d.summary)
    if (r.step == 35) last[dynamics::to_string(r.group) + "/" + r.quantity] = r;
  const int m = s.model.m;
  const auto& c = d.full.back();
  // Inherited group = filters 1 (class +1) and 6 (class −1, index 2 of that class).
  EXPECT_NEAR(last["inherited/gamma"].mean, (c.gamma(1, 0) - c.gamma(6, 0)) / 2, 1e-12);
  EXPECT_NEAR(last["inherited/proxy_u"].mean, (result.W.row(1).dot(sig.u) - result.W.row(6).dot(sig.u)) / 2, 1e-12);
  EXPECT_NEAR(last["all/rho_bar"].extreme, c.rho.maxCoeff(), 1e-15);
  EXPECT_NEAR(last["all/rho_under"].extreme, std::min(c.rho.minCoeff(), 0.0), 1e-15);
  double noise_max = -1e300;
  for (int i = 0; i < s.train.n(); ++i) noise_max = std::max(noise_max, result.W.row(0).dot(s.train.X.col(2 * i + 1)));
  double all_noise = 0.0;
  for (int r = 0; r < 2 * m; ++r) {
    double best = -1e300;
    for (int i = 0; i < s.train.n(); ++i) best = std::max(best, result.W.row(r).dot(s.train.X.col(2 * i + 1)));
    all_noise += best / (2 * m);
  }
  EXPECT_NEAR(last["all/noise_max"].mean, all_noise, 1e-12);
  EXPECT_GE(last["all/noise_max"].extreme, noise_max);
}

TEST(Recorder, CsvHasOneLinePerRow) {
  Fixture s = setup({});
  dynamics::Recorder rec({.every = 5}, s.train, dynamics::signal_directions(data::Layout::shared, s.signals),
                         dynamics::signal_names(data::Layout::shared), {s.signals.u, s.signals.v, s.signals.v}, {},
                         static_cast<int>(s.W0.rows()));
  train::gradient_descent(s.W0, {}, s.train, s.test, s.model, {.steps = 10, .eta = 1.0, .curve_every = 10},
                          rec.observer());
  const auto d = rec.take();
  std::string csv;
  dynamics::append_summary_csv(csv, 4, "scratch", d);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3 * 7);  // steps 0, 5, 10; group all
  EXPECT_EQ(csv.rfind("4,scratch,0,all,gamma,", 0), 0u);
}
