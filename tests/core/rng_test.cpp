#include "ptlab/core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using ptlab::core::Rng;
using ptlab::core::Stream;

TEST(Rng, SameSeedAndStreamGiveSameSequence) {
  Rng a = Rng::stream(7, Stream::upstream_train);
  Rng b = Rng::stream(7, Stream::upstream_train);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.normal(), b.normal());
}

TEST(Rng, StreamsAndSeedsDiffer) {
  Rng a = Rng::stream(7, Stream::upstream_train);
  Rng b = Rng::stream(7, Stream::upstream_test);
  Rng c = Rng::stream(8, Stream::upstream_train);
  const double x = a.uniform();
  EXPECT_NE(x, b.uniform());
  EXPECT_NE(x, c.uniform());
}

TEST(Rng, KnownFirstValuesPinTheStreamDerivation) {
  // splitmix64(0) is the published first output of SplitMix64 seeded with 0.
  EXPECT_EQ(ptlab::core::splitmix64(0), 0xe220a8397b1dcdafULL);
}

TEST(Rng, NormalHasUnitMomentsAndUniformIsInRange) {
  Rng rng(123);
  const int n = 400000;
  double sum = 0, sq = 0, fourth = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    sq += z * z;
    fourth += z * z * z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sq / n, 1.0, 0.01);
  EXPECT_NEAR(fourth / n, 3.0, 0.05);
  for (int i = 0; i < 10000; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Rng, BelowIsUniformOverItsRange) {
  Rng rng(5);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) counts.at(rng.below(7)) += 1;
  for (const int c : counts) EXPECT_NEAR(c, n / 7.0, 5 * std::sqrt(n / 7.0));
}
