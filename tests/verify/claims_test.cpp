#include "ptlab/verify/claims.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ptlab/report/theory_text.hpp"

using namespace ptlab;

TEST(Claims, SlopeOfAnExactLineHasAZeroWidthInterval) {
  const auto s = verify::fit_slope({1, 2, 3, 4}, {3, 5, 7, 9});
  EXPECT_DOUBLE_EQ(s.slope, 2.0);
  EXPECT_DOUBLE_EQ(s.intercept, 1.0);
  EXPECT_NEAR(s.ci_low, 2.0, 1e-12);
  EXPECT_NEAR(s.ci_high, 2.0, 1e-12);
  // With noise: the CI widens around the estimate, t_{0.975, 2} = 4.303.
  const auto n = verify::fit_slope({0, 1, 2, 3}, {0, 1.1, 1.9, 3.0});
  EXPECT_LT(n.ci_low, n.slope);
  EXPECT_GT(n.ci_high, n.slope);
  EXPECT_NEAR(n.slope, 0.98, 1e-12);
  EXPECT_THROW(verify::fit_slope({1, 2}, {1, 2}), std::invalid_argument);
}

TEST(Claims, CrossingInterpolatesTheFirstDownwardCrossing) {
  EXPECT_DOUBLE_EQ(verify::crossing({0, 1, 2}, {0.5, 0.3, 0.1}, 0.25), 1.25);
  EXPECT_TRUE(std::isnan(verify::crossing({0, 1}, {0.2, 0.1}, 0.25)));  // never above
  EXPECT_TRUE(std::isnan(verify::crossing({0, 1}, {0.5, 0.4}, 0.25)));  // never below
}

TEST(Claims, IndicatorsAreScoredOnSignificantPointsOnly) {
  auto point = [](double norm_u, double mean, double lo, double hi) {
    verify::PointResult p;
    p.inputs = theory::inputs_of(experiment::ExperimentSpec{});
    p.inputs.norm_u = norm_u;
    p.ntg = {10, mean, 0.01, lo, hi};
    return p;
  };
  // Strong u helps (CI below 0), weak u hurts (CI above 0), one point undetermined.
  const std::vector<verify::PointResult> points = {point(1.0, -0.1, -0.12, -0.08), point(0.8, -0.05, -0.07, -0.03),
                                                   point(0.1, 0.04, 0.02, 0.06), point(0.5, 0.0, -0.01, 0.01)};
  int undetermined = 0;
  const auto scores = verify::score_indicators(points, &undetermined);
  EXPECT_EQ(undetermined, 1);
  ASSERT_EQ(scores.size(), theory::indicators().size());
  for (const auto& s : scores) {
    EXPECT_EQ(s.separation.positive, 2);
    EXPECT_EQ(s.separation.negative, 1);
    EXPECT_EQ(s.separation.auc, 1.0) << s.indicator.name;  // every candidate grows with ‖u‖
  }
}

// The quick suite end to end (about 40 s on 2 cores). Its outcomes are simulation results: if a
// change to the simulator flips one, this test says so, and docs/results.md must be revisited.
TEST(Claims, QuickSuiteSupportsEveryClaim) {
  const auto r = verify::run_claims({.quick = true, .threads = 2});
  ASSERT_EQ(r.claims.size(), 7u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_TRUE(r.claims[i].supported) << r.claims[i].claim << ": " << r.claims[i].value;
  EXPECT_EQ(r.claims[4].value, 0.0);  // layer ≡ filter at α = 1, bit for bit
  EXPECT_NEAR(r.claims[5].value, -0.25, 0.05);  // Kou et al. boundary slope
  // At d = 10⁴…10⁶ (reduced sampling) the boundary still follows ‖μ*‖ ∝ d^{1/4} closely, but
  // with a fixed step size its measured slope is 0.267 with a CI that just excludes 1/4
  // (docs/results.md): asserted as the measured value, not as "supported".
  EXPECT_NEAR(r.claims[6].value, 0.25, 0.03);
  EXPECT_EQ(r.runs, 1980);  // 5 + 5 + 5 + 1 + 2 points × 30 seeds, 24 grid points × 10, 60 + 60 scratch points × 10
  const std::string table = report::verify_text(r, true);
  EXPECT_NE(table.find("| NTG falls with alpha |"), std::string::npos);
  EXPECT_NE(table.find("| inherited_vs_scratch |"), std::string::npos);
}
