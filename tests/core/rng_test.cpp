#include "ptlab/core/rng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
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

// χ²_k by Marsaglia–Tsang: the mean k and variance 2k at every scale reduced-basis sampling uses
// (k from below 1 up to 10⁹), and the whole distribution against Boost's CDF (Kolmogorov–Smirnov).
TEST(ChiSquared, MomentsMatchKAnd2KFromHalfADegreeToABillion) {
  for (const double k : {0.5, 1.0, 3.0, 10.0, 1000.0, 1e6, 1e9}) {
    SCOPED_TRACE(k);
    Rng rng(99);
    const int n = 100000;
    double sum = 0, sq = 0;
    for (int i = 0; i < n; ++i) {
      const double x = ptlab::core::chi_squared(rng, k);
      ASSERT_GT(x, 0.0);
      sum += x;
      sq += x * x;
    }
    const double mean = sum / n, var = sq / n - mean * mean;
    EXPECT_NEAR(mean, k, 5.0 * std::sqrt(2.0 * k / n));  // 5 standard errors of the mean
    EXPECT_NEAR(var / (2.0 * k), 1.0, k < 3 ? 0.1 : 0.03);
  }
}

TEST(ChiSquared, DistributionMatchesBoostsCdfAndDrawsRepeat) {
  for (const double k : {0.5, 3.0, 40.0}) {
    SCOPED_TRACE(k);
    Rng rng(5);
    std::vector<double> x(20000);
    for (double& v : x) v = ptlab::core::chi_squared(rng, k);
    std::sort(x.begin(), x.end());
    const boost::math::chi_squared_distribution<double> law(k);
    double ks = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double F = boost::math::cdf(law, x[i]);
      ks = std::max({ks, F - static_cast<double>(i) / x.size(), static_cast<double>(i + 1) / x.size() - F});
    }
    EXPECT_LT(ks, 1.63 / std::sqrt(static_cast<double>(x.size())));  // the 1% critical value
  }
  Rng a(11), b(11);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ptlab::core::chi_squared(a, 7.5), ptlab::core::chi_squared(b, 7.5));
}
