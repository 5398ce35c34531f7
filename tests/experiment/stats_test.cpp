#include "ptlab/experiment/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ptlab::experiment;

TEST(Stats, StudentTQuantilesMatchTables) {
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.7062047, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 9), 2.2621572, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 1e9), 1.9599640, 1e-6);
}

TEST(Stats, SummaryOfKnownValues) {
  const Stat s = summarize({1.0, 2.0, 3.0, 4.0});
  EXPECT_EQ(s.n, 4);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_NEAR(s.std, std::sqrt(5.0 / 3.0), 1e-15);
  const double half = 3.182446305284263 * std::sqrt(5.0 / 3.0) / 2.0;  // t_{0.975,3}
  EXPECT_NEAR(s.ci_low, 2.5 - half, 1e-9);
  EXPECT_NEAR(s.ci_high, 2.5 + half, 1e-9);
}

TEST(Stats, TooFewValuesGiveNaNNotNumbers) {
  const Stat one = summarize({0.3});
  EXPECT_EQ(one.n, 1);
  EXPECT_DOUBLE_EQ(one.mean, 0.3);
  EXPECT_TRUE(std::isnan(one.std));
  EXPECT_TRUE(std::isnan(one.ci_low));
  const Stat none = summarize({});
  EXPECT_EQ(none.n, 0);
  EXPECT_TRUE(std::isnan(none.mean));
}
