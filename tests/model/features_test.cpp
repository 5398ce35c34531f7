#include "ptlab/model/features.hpp"

#include <gtest/gtest.h>

using namespace ptlab;

namespace {

data::Dataset sample_data(int d, int n, core::Rng& rng) {
  const data::FrameOptions f{.d = d};
  const data::TaskOptions t{.n = n};
  return data::sample(f, t, data::make_signals(f, t, 2), n, rng);
}

}  // namespace

TEST(Features, HandValuesOfOneSampleWithTwoPatches) {
  // m = 1: W rows w₊ = (1, 0), w₋ = (0, −1); x = [patch (2, 1), patch (−1, 3)].
  model::Weights W(2, 2);
  W << 1, 0, 0, -1;
  data::Dataset x;
  x.P = 2;
  x.X.resize(2, 2);
  x.X << 2, -1, 1, 3;
  x.y = Eigen::VectorXd::Ones(1);
  x.y_true = x.y;
  const Eigen::MatrixXd H = model::hidden_features(model::ModelOptions{.m = 1}, W, x);
  ASSERT_EQ(H.rows(), 1);
  ASSERT_EQ(H.cols(), 2);
  EXPECT_EQ(H(0, 0), 2.0);  // relu(2) + relu(−1)
  EXPECT_EQ(H(0, 1), 0.0);  // relu(−1) + relu(−3)
  const Eigen::VectorXi active = model::active_counts(W, x);
  EXPECT_EQ(active(0), 1);
  EXPECT_EQ(active(1), 0);
}

TEST(Features, TheyReproduceTheNetworkOutputs) {
  // f(W, x_i) = (1/m)(Σ_{j<m} H(i, j) − Σ_{j≥m} H(i, j)) for every activation.
  core::Rng rng(7);
  const int m = 5, d = 30;
  const data::Dataset x = sample_data(d, 40, rng);
  for (const auto act : {model::Activation::relu, model::Activation::leaky_relu, model::Activation::poly_relu}) {
    const model::ModelOptions o{.m = m, .activation = act, .sigma_0 = 0.3};
    const model::Weights W = model::init_weights(o, d, rng);
    const Eigen::MatrixXd H = model::hidden_features(o, W, x);
    const Eigen::VectorXd f = (H.leftCols(m).rowwise().sum() - H.rightCols(m).rowwise().sum()) / m;
    const Eigen::VectorXd expected = model::outputs(o, W, x.X, x.P);
    EXPECT_LT((f - expected).cwiseAbs().maxCoeff(), 1e-12 * (1.0 + expected.cwiseAbs().maxCoeff()));
  }
}

TEST(Features, ActiveCountsAgreeWithPositiveReluFeatures) {
  core::Rng rng(3);
  const data::Dataset x = sample_data(20, 30, rng);
  const model::ModelOptions o{.m = 4, .sigma_0 = 1.0};
  const model::Weights W = model::init_weights(o, 20, rng);
  const Eigen::MatrixXd H = model::hidden_features(o, W, x);
  const Eigen::VectorXi active = model::active_counts(W, x);
  for (Eigen::Index j = 0; j < W.rows(); ++j) EXPECT_EQ(active(j), (H.col(j).array() > 0.0).count());
}
