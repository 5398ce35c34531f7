#include "ptlab/transfer/controls.hpp"

#include <gtest/gtest.h>

#include "ptlab/core/error.hpp"

using namespace ptlab;

TEST(Controls, NormMatchedKeepsFreshDirectionsAndReferenceNorms) {
  core::Rng rng(11);
  const model::ModelOptions o{.m = 3, .sigma_0 = 1.0};
  model::Weights fresh = model::init_weights(o, 8, rng);
  const model::Weights reference = 5.0 * model::init_weights(o, 8, rng);
  fresh.row(2).setZero();  // a zero fresh row stays zero
  const model::Weights W = transfer::norm_matched(fresh, reference);
  for (Eigen::Index j = 0; j < W.rows(); ++j) {
    if (j == 2) {
      EXPECT_EQ(W.row(j).norm(), 0.0);
      continue;
    }
    EXPECT_NEAR(W.row(j).norm(), reference.row(j).norm(), 1e-12 * reference.row(j).norm());
    EXPECT_NEAR(W.row(j).dot(fresh.row(j)) / (W.row(j).norm() * fresh.row(j).norm()), 1.0, 1e-12);
  }
}

TEST(Controls, ShrinkPerturbIsTheStatedMixAndChecksItsArguments) {
  core::Rng rng(5);
  const model::ModelOptions o{.m = 2, .sigma_0 = 1.0};
  const model::Weights a = model::init_weights(o, 4, rng), b = model::init_weights(o, 4, rng);
  EXPECT_EQ(transfer::shrink_perturb(a, b, 1.0, 0.0), a);
  const model::Weights mix = transfer::shrink_perturb(a, b, 0.5, 0.1);
  EXPECT_DOUBLE_EQ(mix(1, 2), 0.5 * a(1, 2) + 0.1 * b(1, 2));
  EXPECT_THROW(transfer::shrink_perturb(a, b, 1.5, 0.0), core::InputError);
  EXPECT_THROW(transfer::shrink_perturb(a, b, 0.5, -1.0), core::InputError);
}
