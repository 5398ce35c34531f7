// model.bias: a bias per filter is the same model as a weight on a constant-1 coordinate appended
// to every patch. Training with the bias must therefore equal training without it on the
// augmented data, the bias being the last column of the augmented W, on both backends.
#include <gtest/gtest.h>

#include <cmath>

#include "ptlab/core/error.hpp"
#include "ptlab/data/task.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/run.hpp"
#include "ptlab/model/cnn.hpp"
#include "ptlab/train/gd.hpp"

using namespace ptlab;

namespace {

data::Dataset with_ones_row(const data::Dataset& d) {
  data::Dataset out = d;
  out.X.conservativeResize(d.X.rows() + 1, Eigen::NoChange);
  out.X.row(d.X.rows()).setOnes();
  return out;
}

struct Setting {
  double norm_u, norm_v, weight_decay;
  bool freeze;
  train::Backend backend;
};

}  // namespace

TEST(Bias, EqualsAWeightOnAConstantCoordinate) {
  const Setting settings[] = {
      {1.0, 0.5, 0.0, false, train::Backend::span},
      {1.0, 0.5, 0.0, false, train::Backend::dense},
      {0.0, 0.0, 0.0, false, train::Backend::span},  // zero signal patches: σ'(b) still trains b
      {2.0, 0.0, 0.02, true, train::Backend::span},  // weight decay on b, a frozen filter's b stays
      {2.0, 0.0, 0.02, true, train::Backend::dense},
  };
  for (const Setting& s : settings) {
    const data::FrameOptions f{.d = 40, .norm_u = s.norm_u, .n_test = 50, .project_noise = false};
    const data::TaskOptions t{.n = 12, .norm_v = s.norm_v, .sigma_p = 0.8, .p = 0.1};
    const auto signals = data::make_signals(f, t, 2);
    core::Rng rng(7);
    const auto train = data::sample(f, t, signals, t.n, rng);
    const auto test = data::sample(f, t, signals, f.n_test, rng);
    model::ModelOptions model{.m = 4, .readout = model::Readout::sum, .patch_pool = model::PatchPool::mean,
                              .init = model::Init::fan_in};
    const auto W0 = model::init_weights(model, f.d, rng);
    model.bias = true;
    const Eigen::VectorXd b0 = model::init_bias(model, data::Basis::direct(f.d), rng);
    ASSERT_EQ(b0.size(), 8);
    Eigen::MatrixXd mask, mask_aug;
    if (s.freeze) {
      mask = Eigen::MatrixXd::Ones(W0.rows(), W0.cols());
      mask.row(1).setZero();
      mask_aug = Eigen::MatrixXd::Ones(W0.rows(), W0.cols() + 1);
      mask_aug.row(1).setZero();
    }
    const train::GdOptions gd{.steps = 80, .eta = 0.1, .weight_decay = s.weight_decay, .curve_every = 10,
                              .backend = s.backend};
    const auto with_bias = train::gradient_descent(W0, mask, train, test, model, gd, {}, {}, b0);

    model::ModelOptions plain = model;
    plain.bias = false;
    Eigen::MatrixXd W0_aug(W0.rows(), W0.cols() + 1);
    W0_aug << W0, b0;
    const auto augmented =
        train::gradient_descent(W0_aug, mask_aug, with_ones_row(train), with_ones_row(test), plain, gd);

    ASSERT_EQ(with_bias.curve.size(), augmented.curve.size());
    for (std::size_t k = 0; k < with_bias.curve.size(); ++k) {
      EXPECT_NEAR(with_bias.curve[k].train_loss, augmented.curve[k].train_loss, 1e-12);
      EXPECT_EQ(with_bias.curve[k].test_error, augmented.curve[k].test_error);
    }
    EXPECT_LT((with_bias.W - augmented.W.leftCols(W0.cols())).cwiseAbs().maxCoeff(), 1e-10);
    EXPECT_LT((with_bias.b - augmented.W.col(W0.cols())).cwiseAbs().maxCoeff(), 1e-10);
    EXPECT_GT((with_bias.b - b0).cwiseAbs().maxCoeff(), 1e-4);  // the bias did train
    if (s.freeze) EXPECT_EQ(with_bias.b(1), b0(1));
  }
}

TEST(Bias, DrawnLikeOneWeightCoordinateAndOnlyWhenAsked) {
  model::ModelOptions model{.m = 500, .init = model::Init::fan_in};
  core::Rng rng(3);
  EXPECT_EQ(model::init_bias(model, data::Basis::direct(300), rng).size(), 0);
  model.bias = true;
  const Eigen::VectorXd b = model::init_bias(model, data::Basis::direct(300), rng);
  ASSERT_EQ(b.size(), 1000);
  // Var = 1/(3d) = 1/900; the sample variance of 1000 normals is within 4 standard errors
  // (√(2/999) of the variance) of it.
  const double var = b.squaredNorm() / 1000.0;
  EXPECT_NEAR(var, 1.0 / 900.0, 4.0 * std::sqrt(2.0 / 999.0) / 900.0);
  // Reduced sampling: the ambient d of the basis sets the law, not its width.
  const Eigen::VectorXd big = model::init_bias(model, data::Basis::model(1000000, 50, 0), rng);
  EXPECT_NEAR(big.squaredNorm() / 1000.0, 1.0 / 3e6, 4.0 * std::sqrt(2.0 / 999.0) / 3e6);
}

// The key: default false leaves every earlier config's hash; true needs scratch-only runs, and a
// spec built in code that skips the config check is refused alike when it runs.
TEST(Bias, ConfigKeyAndWhereItRuns) {
  const auto plain = experiment::parse_config("", "x.toml");
  EXPECT_EQ(experiment::config_hash(plain),
            experiment::config_hash(experiment::parse_config("", "x.toml", {"model.bias=false"})));
  const auto scratch = experiment::parse_config("", "x.toml", {"model.bias=true", "run.phases=scratch", "data.d=200",
                                                               "downstream.steps=50"});
  EXPECT_NE(experiment::config_hash(scratch),
            experiment::config_hash(experiment::parse_config("", "x.toml", {"run.phases=scratch", "data.d=200",
                                                                            "downstream.steps=50"})));
  try {
    experiment::parse_config("", "x.toml", {"model.bias=true"});
    ADD_FAILURE() << "model.bias with run.phases = all was accepted";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("x.toml: model.bias = true needs run.phases = \"scratch\""), std::string::npos)
        << e.what();
  }
  experiment::ExperimentSpec all = scratch;
  all.phases = experiment::Phases::all;
  EXPECT_THROW(experiment::run_seed(all, 0), core::InputError);

  // A scratch run with a bias trains it: not the run without one, and finite.
  experiment::ExperimentSpec none = scratch;
  none.model.bias = false;
  const auto with = experiment::run_seed(scratch, 0), without = experiment::run_seed(none, 0);
  EXPECT_TRUE(std::isfinite(with.scratch.train_loss));
  EXPECT_NE(with.scratch.train_loss, without.scratch.train_loss);
}
