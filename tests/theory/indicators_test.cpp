#include "ptlab/theory/indicators.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ptlab/experiment/config.hpp"

using namespace ptlab;

namespace {

double indicator(const std::string& name, const theory::Inputs& in) {
  for (const auto& ind : theory::indicators())
    if (ind.name == name) return ind.value(in);
  ADD_FAILURE() << "no indicator " << name;
  return 0;
}

}  // namespace

TEST(Theory, InputsOfThePaperConfig) {
  const auto in = theory::inputs_of(experiment::ExperimentSpec{});
  EXPECT_EQ(in.n1, 200);
  EXPECT_EQ(in.n2, 20);
  EXPECT_EQ(in.d, 2000);
  EXPECT_NEAR(in.cos_theta, 0.0, 1e-15);
  EXPECT_DOUBLE_EQ(in.mu1_sq(), 2.0);
  EXPECT_NEAR(in.mu12(), 1.0, 1e-15);  // only u is shared when θ = 90°
  experiment::ExperimentSpec layer;
  layer.transfer.rule = transfer::Rule::layer;
  EXPECT_EQ(theory::inputs_of(layer).alpha, 1.0);
}

TEST(Theory, KouRatioAndSnr) {
  // n‖μ‖⁴/(σ_p⁴ d) and ‖μ‖/(σ_p √d) for the paper's downstream task: 20·4/2000, √2/√2000.
  const auto r = theory::task_regime(20, 2.0, 1.0, 2000);
  EXPECT_DOUBLE_EQ(r.kou_ratio, 0.04);
  EXPECT_NEAR(r.snr, std::sqrt(2.0 / 2000), 1e-15);
  EXPECT_FALSE(r.benign);
  EXPECT_TRUE(theory::task_regime(1000, 4.0, 1.0, 2000).benign);  // 1000·16/2000 = 8
  EXPECT_TRUE(std::isinf(theory::task_regime(10, 1.0, 0.0, 100).kou_ratio));
}

TEST(Theory, IndicatorValuesOnKnownConfigs) {
  auto in = theory::inputs_of(experiment::ExperimentSpec{});
  // n1⟨μ1,μ2⟩²σ_p2²/(n2‖μ2‖⁴σ_p1²) = 200·1/(20·4) = 2.5.
  EXPECT_NEAR(indicator("inherited_vs_scratch", in), std::log10(2.5), 1e-14);
  EXPECT_NEAR(indicator("alpha_x_inherited_vs_scratch", in), 0.5 * std::log10(2.5), 1e-14);
  EXPECT_NEAR(indicator("inherited_snr", in), std::log10(200.0 / 2000), 1e-14);
  EXPECT_NEAR(indicator("upstream_u_kou", in), std::log10(200.0 / 2000), 1e-14);
  EXPECT_DOUBLE_EQ(indicator("signal_share", in), 0.5);
  // θ = 0: v_1 ∥ v_2, so ⟨μ1,μ2⟩ = ‖u‖² + ‖v1‖‖v2‖ = 2 and the inherited filter fits task 2.
  in.cos_theta = 1.0;
  EXPECT_NEAR(indicator("inherited_vs_scratch", in), std::log10(200.0 * 4 / (20 * 4)), 1e-14);
  // No universal signal and orthogonal v: nothing useful inherited.
  in.cos_theta = 0.0;
  in.norm_u = 0.0;
  EXPECT_EQ(indicator("inherited_vs_scratch", in), -std::numeric_limits<double>::infinity());
}

TEST(Theory, OrthogonalSignalsAndExtremeScalesStayExact) {
  // θ = 90° with u = 0: ⟨μ1, μ2⟩ is exactly 0 (no 6e-17 from cos 90°), so nothing is inherited.
  experiment::ExperimentSpec spec;
  spec.frame.norm_u = 0.0;
  const auto in = theory::inputs_of(spec);
  EXPECT_EQ(in.mu12(), 0.0);
  EXPECT_EQ(indicator("inherited_snr", in), -std::numeric_limits<double>::infinity());
  // Tiny noise: computed in log space, no overflow to inf.
  spec = {};
  spec.downstream.sigma_p = 1e-300;
  EXPECT_NEAR(indicator("inherited_snr", theory::inputs_of(spec)), -1.0 + 600.0, 1e-9);
  // α = 0: the α-weighted indicator is 0, not NaN (0 · −inf).
  spec = {};
  spec.transfer.alpha = 0.0;
  spec.frame.norm_u = 0.0;
  EXPECT_EQ(indicator("alpha_x_inherited_vs_scratch", theory::inputs_of(spec)), 0.0);
}

TEST(Theory, SeparationAucAndThreshold) {
  // Perfectly separated: AUC 1, threshold between 2 and 3, balanced accuracy 1.
  auto s = theory::separate({1, 2, 3, 4}, {false, false, true, true}, 0.0);
  EXPECT_EQ(s.auc, 1.0);
  EXPECT_EQ(s.threshold, 2.5);
  EXPECT_EQ(s.balanced_accuracy, 1.0);
  EXPECT_EQ(s.predicted_accuracy, 0.5);  // threshold 0 calls everything positive
  // Reversed: AUC 0. Ties count ½: one positive tied with one negative.
  EXPECT_EQ(theory::separate({3, 4, 1, 2}, {false, false, true, true}, NAN).auc, 0.0);
  EXPECT_EQ(theory::separate({1, 1}, {true, false}, NAN).auc, 0.5);
  // Mann–Whitney by hand: positives {2, 5}, negatives {1, 3, 4}: wins 1 + 3 = 4 of 6.
  s = theory::separate({2, 5, 1, 3, 4}, {true, true, false, false, false}, NAN);
  EXPECT_DOUBLE_EQ(s.auc, 4.0 / 6.0);
  EXPECT_TRUE(std::isnan(s.predicted_accuracy));
  // NaN values are skipped; one class only → NaN AUC.
  s = theory::separate({NAN, 1, 2}, {true, true, true}, 0);
  EXPECT_EQ(s.positive, 2);
  EXPECT_TRUE(std::isnan(s.auc));
  EXPECT_DEATH(theory::separate({1}, {true, false}, 0), "internal error at .*indicators.cpp:[0-9]+: .*differ in length");
}
