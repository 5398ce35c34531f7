// Reduced-basis sampling (data/basis.hpp): the Bartlett coordinates have exactly the joint
// second and fourth moments of direct N(0, I) draws, and direct draws are the plain normal stream.
#include "ptlab/data/basis.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "ptlab/data/task.hpp"
#include "ptlab/model/cnn.hpp"

using namespace ptlab;

TEST(Basis, DirectIsThePlainNormalStream) {
  core::Rng a(7), b(7);
  std::vector<double> out(11);
  data::draw_standard(data::Basis::direct(11), 0, a, out.data());
  for (double x : out) EXPECT_EQ(x, b.normal());
}

TEST(Basis, ModelVectorsAreLowerTriangularWithChiDiagonal) {
  const auto basis = data::Basis::model(1'000'003, 3 + 6, 2);  // D = 10⁶, vectors 2.. of 6
  core::Rng rng(1);
  std::vector<double> out(9);
  for (int i = 0; i < 4; ++i) {
    data::draw_standard(basis, i, rng, out.data());
    const int a = 2 + i;
    for (int b = a + 1; b < 6; ++b) EXPECT_EQ(out[3 + b], 0.0);
    // √χ²_{D−a} ≈ √D ± 1: far from any N(0, 1) coordinate.
    EXPECT_NEAR(out[3 + a], 1000.0, 5.0);
  }
}

namespace {

// A sample moment and its standard error (from the sample itself).
struct Estimate {
  double value = 0, se = 0;
};

Estimate mean_of(const std::vector<double>& v) {
  double s = 0, s2 = 0;
  for (double x : v) s += x;
  const double m = s / v.size();
  for (double x : v) s2 += (x - m) * (x - m);
  return {m, std::sqrt(s2 / (v.size() - 1) / v.size())};
}

// E[(a − ā)(b − b̄)] estimated as the mean of the centred products (its se from their spread).
Estimate cov_of(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = mean_of(a).value, mb = mean_of(b).value;
  std::vector<double> p;
  for (std::size_t i = 0; i < a.size(); ++i) p.push_back((a[i] - ma) * (b[i] - mb));
  return mean_of(p);
}

// Moments of the C-part Gram matrix of 3 model vectors and 1 test vector in dimension d, over
// `reps` draws: reduced (Bartlett) or direct (coordinates 3..d−1 of N(0, I_d)).
struct Moments {
  Estimate norm2_mean, norm2_var;  // ‖g_2‖²
  Estimate cross_mean, cross_var;  // ⟨g_0, g_2⟩
  Estimate cov_norm_cross2;        // Cov(‖g_0‖², ⟨g_0, g_1⟩²)
  Estimate test_cross_var;         // Var ⟨t, g_1⟩
};

Moments moments(bool reduced, int d, int reps, std::uint64_t seed) {
  core::Rng rng(seed);
  const int width = reduced ? 3 + 3 : d;
  const auto model = reduced ? data::Basis::model(d, width, 0) : data::Basis::direct(d);
  const auto test = reduced ? data::Basis::test(d, width) : data::Basis::direct(d);
  std::vector<double> n2, cross, n0, c01sq, tc;
  Eigen::MatrixXd G(width, 4);
  for (int r = 0; r < reps; ++r) {
    for (int i = 0; i < 3; ++i) data::draw_standard(model, i, rng, G.col(i).data());
    data::draw_standard(test, 0, rng, G.col(3).data());
    const Eigen::MatrixXd C = G.bottomRows(width - 3);  // the complement's coordinates
    n2.push_back(C.col(2).squaredNorm());
    cross.push_back(C.col(0).dot(C.col(2)));
    n0.push_back(C.col(0).squaredNorm());
    c01sq.push_back(std::pow(C.col(0).dot(C.col(1)), 2));
    tc.push_back(C.col(3).dot(C.col(1)));
  }
  return {mean_of(n2), cov_of(n2, n2), mean_of(cross), cov_of(cross, cross), cov_of(n0, c01sq), cov_of(tc, tc)};
}

void expect_within(const Estimate& e, double exact, const char* what, bool reduced) {
  EXPECT_LT(std::abs(e.value - exact), 5 * e.se) << what << (reduced ? " (reduced)" : " (direct)") << ": " << e.value
                                                 << " vs exact " << exact << " ± " << e.se;
}

}  // namespace

// Exact values for g_a ~ N(0, I_D), D = d − 3: E‖g‖² = D, Var‖g‖² = 2D, E⟨g_a, g_b⟩ = 0,
// Var⟨g_a, g_b⟩ = D, Cov(‖g_a‖², ⟨g_a, g_b⟩²) = E‖g_a‖⁴ − D·E‖g_a‖² = 2D, Var⟨t, g_b⟩ = D.
// Each sample moment must lie within 5 of its standard errors: a false alarm has probability
// about 6·10⁻⁷ per check (12 checks). Reduced and direct both pass.
TEST(Basis, GramMomentsAreExactInBothSamplers) {
  const int d = 23, D = d - 3, reps = 40000;
  for (const bool reduced : {true, false}) {
    const Moments m = moments(reduced, d, reps, reduced ? 11 : 12);
    expect_within(m.norm2_mean, D, "E|g|^2", reduced);
    expect_within(m.norm2_var, 2.0 * D, "Var|g|^2", reduced);
    expect_within(m.cross_mean, 0.0, "E<g_a,g_b>", reduced);
    expect_within(m.cross_var, D, "Var<g_a,g_b>", reduced);
    expect_within(m.cov_norm_cross2, 2.0 * D, "Cov(|g_a|^2, <g_a,g_b>^2)", reduced);
    expect_within(m.test_cross_var, D, "Var<t,g_b>", reduced);
  }
}

// A sampler that is wrong by three degrees of freedom is caught: the χ² diagonal matters.
TEST(Basis, MomentCheckHasPowerAgainstAWrongDimension) {
  const Moments m = moments(true, 26, 40000, 11);  // drawn with D = 23 ...
  EXPECT_GT(std::abs(m.norm2_mean.value - 20.0), 5 * m.norm2_mean.se);  // ... tested as D = 20
}

TEST(Basis, ReducedDataKeepsSignalsAndNoiseNormsInE) {
  data::FrameOptions f{.d = 1'000'000, .norm_u = 2.0, .theta = 90, .n_test = 4};
  const data::TaskOptions t{.n = 5, .norm_v = 1.0, .sigma_p = 0.5};
  const int width = 3 + 10;
  const auto s = data::make_signals(f, t, 2, width);
  core::Rng rng(3);
  const auto train = data::sample(f, t, s, 5, rng, data::Basis::model(f.d, width, 2));
  ASSERT_EQ(train.X.rows(), width);
  for (int i = 0; i < 5; ++i) {
    const Eigen::VectorXd xi = train.X.col(2 * i + 1);
    EXPECT_NEAR(xi.dot(s.u), 0.0, 1e-12);  // projected out in E
    EXPECT_NEAR(xi.dot(s.v), 0.0, 1e-12);
    // ‖ξ‖² ≈ σ²(D + 1): the reduced vector keeps the whole norm (γ/ρ need it).
    EXPECT_NEAR(xi.squaredNorm() / (0.25 * 1e6), 1.0, 0.02);
    for (int b = 2 + i + 1; b < 10; ++b) EXPECT_EQ(xi(3 + b), 0.0);
    EXPECT_EQ(train.X.col(2 * i), train.y_true(i) * (s.u + s.v));
  }
  f.project_noise = false;
  core::Rng rng2(3);
  const auto raw = data::sample(f, t, s, 5, rng2, data::Basis::model(f.d, width, 2));
  EXPECT_NE(raw.X.col(1).dot(s.u), 0.0);  // unprojected: the e1 coordinate is kept
}

TEST(Basis, FanInInitUsesTheTrueDimension) {
  model::ModelOptions o{.m = 50};
  o.init = model::Init::fan_in;
  const int d = 1'000'000, width = 3 + 100;
  core::Rng rng(5);
  const model::Weights W = model::init_weights(o, data::Basis::model(d, width, 0), rng);
  // E‖w‖² = σ₀²·d = 1/3 whatever the basis.
  EXPECT_NEAR(W.rowwise().squaredNorm().mean(), 1.0 / 3.0, 0.02);
}

// The readout options scale the output: f(sum over filters, mean over patches) = f(default)·m/P.
TEST(Basis, ReadoutAndPatchPoolScaleTheOutput) {
  data::FrameOptions f{.d = 30, .n_test = 4};
  const data::TaskOptions t{.n = 6};
  core::Rng rng(9);
  const auto s = data::make_signals(f, t, 2);
  const auto train = data::sample(f, t, s, 6, rng);
  model::ModelOptions o{.m = 4};
  const model::Weights W = model::init_weights(o, 30, rng);
  const Eigen::VectorXd base = model::outputs(o, W, train.X, train.P);
  o.readout = model::Readout::sum;
  o.patch_pool = model::PatchPool::mean;
  const Eigen::VectorXd scaled = model::outputs(o, W, train.X, train.P);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(scaled(i), base(i) * 4.0 / 2.0, 1e-15 + 1e-12 * std::abs(base(i)));
}
