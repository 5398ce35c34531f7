// The transferability scores of src/ptlab/score/: hand-computed tiny cases, values of an
// independent numpy implementation, invariants, and the input errors.
#include "ptlab/score/score.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ptlab/core/error.hpp"

using namespace ptlab;
using score::SourceLabels;
using score::TargetLabels;

namespace {

// Values printed by tests/score/reference/scores_ref.py, an independent numpy implementation
// written from the papers (its Ledoit–Wolf intensities also checked against scikit-learn's).
// Regenerate with `python3 tests/score/reference/scores_ref.py` (numpy needed) and paste here.
constexpr double kLogmeA = -0.7940331524555747;
constexpr double kLogmeB = -0.7465564713821925;
constexpr double kLedoitWolfA = 0.7249877075630792;
constexpr double kLedoitWolfB = 0.8350957455467446;
constexpr double kHScoreA = 0.686534180634892;
constexpr double kShrinkageHScoreA = 0.21218079883999777;
constexpr double kShrinkageHScoreB = 0.8010702417726929;
constexpr double kSfdaA = 0.4392534748147;
constexpr double kSfdaB = 1.0;
constexpr double kSfdaBPca5 = 0.865020731181292;
constexpr double kSfdaASmall = 0.4333457846290494;

constexpr double kRelTol = 1e-9;

#define EXPECT_REL(value, expected) EXPECT_NEAR((value), (expected), kRelTol* std::abs(expected))

// The generator of scores_ref.py, bit for bit: an integer LCG and one correctly rounded division,
// so both sides see the same doubles. Labels i % classes; feature j of a sample of class c gets
// +shift when j % classes == c.
struct Data {
  Eigen::MatrixXd F;
  std::vector<int> y;
};

Data lcg_matrix(int n, int d, int classes, std::uint64_t seed, double shift) {
  std::uint64_t state = seed;
  Data data{Eigen::MatrixXd(n, d), std::vector<int>(static_cast<std::size_t>(n))};
  for (int i = 0; i < n; ++i) {
    data.y[static_cast<std::size_t>(i)] = i % classes;
    for (int j = 0; j < d; ++j) {
      state = (state * 1103515245u + 12345u) % (std::uint64_t{1} << 31);
      data.F(i, j) = (static_cast<double>(static_cast<std::int64_t>(state % 2001) - 1000)) / 250.0;
      if (j % classes == i % classes) data.F(i, j) += shift;
    }
  }
  return data;
}

Data data_a() { return lcg_matrix(40, 6, 3, 7, 1.5); }    // N > D
Data data_b() { return lcg_matrix(12, 30, 3, 11, 2.0); }  // D > N

// Rows permuted by a fixed, non-trivial permutation.
Data permuted(const Data& d) {
  const auto n = static_cast<Eigen::Index>(d.y.size());
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i)
    order[static_cast<std::size_t>(i)] = (7 * i + 3) % n;  // n coprime to 7
  Data out{Eigen::MatrixXd(d.F.rows(), d.F.cols()), std::vector<int>(d.y.size())};
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto from = order[static_cast<std::size_t>(i)];
    out.F.row(i) = d.F.row(from);
    out.y[static_cast<std::size_t>(i)] = d.y[static_cast<std::size_t>(from)];
  }
  return out;
}

Eigen::MatrixXd with_zero_column(const Eigen::MatrixXd& F) {
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(F.rows(), F.cols() + 1);
  out.leftCols(F.cols()) = F;
  return out;
}

// Expects an InputError whose message contains `part`.
void expect_input_error(const std::function<void()>& call, const std::string& part) {
  try {
    call();
    ADD_FAILURE() << "no InputError; expected one mentioning \"" << part << "\"";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

}  // namespace

// ---- NCE --------------------------------------------------------------------------------------

// Swapping the source and target labels must not compile.
static_assert(std::is_invocable_v<decltype(&score::nce), SourceLabels, TargetLabels>);
static_assert(!std::is_invocable_v<decltype(&score::nce), TargetLabels, SourceLabels>);
static_assert(!std::is_invocable_v<decltype(&score::nce), std::vector<int>, std::vector<int>>);
static_assert(!std::is_convertible_v<std::vector<int>, SourceLabels>);
static_assert(!std::is_convertible_v<TargetLabels, SourceLabels>);
static_assert(!std::is_convertible_v<SourceLabels, TargetLabels>);

TEST(Nce, HandComputedAndAsymmetric) {
  // z = 0 → y ∈ {0, 1} evenly, z = 1 → y = 2: H(Y|Z) = ½·log 2. y determines z: H(Z|Y) = 0.
  const std::vector<int> z{0, 0, 1, 1}, y{0, 1, 2, 2};
  EXPECT_NEAR(score::nce(SourceLabels{z}, TargetLabels{y}), -0.5 * std::log(2.0), 1e-15);
  EXPECT_EQ(score::nce(SourceLabels{y}, TargetLabels{z}), 0.0);
}

TEST(Nce, HandComputedThirds) {
  // z = 0 → y = {0, 0, 1}: H = log 3 − ⅔·log 2; z = 1 → y = 1: H = 0. P(z = 0) = ½.
  const std::vector<int> z{0, 0, 0, 1, 1, 1}, y{0, 0, 1, 1, 1, 1};
  EXPECT_NEAR(score::nce(SourceLabels{z}, TargetLabels{y}),
              -0.5 * (std::log(3.0) - 2.0 / 3.0 * std::log(2.0)),
              1e-15);
}

TEST(Nce, ZeroWhenTheTargetIsAFunctionOfTheSource) {
  const std::vector<int> z{0, 1, 2, 3, 4, 5, 0, 3}, y{1, 1, 0, 0, 1, 0, 1, 0};
  EXPECT_EQ(score::nce(SourceLabels{z}, TargetLabels{y}), 0.0);
}

TEST(Nce, OneSourceClassGivesMinusTheTargetEntropy) {
  const std::vector<int> z{4, 4, 4, 4}, y{0, 0, 0, 1};
  EXPECT_NEAR(
      score::nce(SourceLabels{z}, TargetLabels{y}), 0.75 * std::log(0.75) + 0.25 * std::log(0.25), 1e-15);
}

TEST(Nce, Errors) {
  const std::vector<int> z{0, 1, 0}, y{0, 1, 1};
  expect_input_error(
      [&] {
        score::nce(SourceLabels{z}, TargetLabels{std::vector<int>{0, 1}});
      },
      "nce: target labels has 2 entries for 3 samples");
  expect_input_error(
      [&] {
        score::nce(SourceLabels{std::vector<int>{0, -1, 0}}, TargetLabels{y});
      },
      "nce: source labels[1] = -1: expected labels ≥ 0");
  expect_input_error(
      [&] {
        score::nce(SourceLabels{z}, TargetLabels{std::vector<int>{2, 2, 2}});
      },
      "nce: target labels with one class");
  expect_input_error([&] { score::nce(SourceLabels{std::vector<int>{}}, TargetLabels{std::vector<int>{}}); },
                     "nce: source labels is empty");
}

// ---- LEEP -------------------------------------------------------------------------------------

TEST(Leep, HandComputed) {
  // P̂(y|z) = [[¾, ¼], [¼, ¾]]; expected empirical predictions ¾, ½, ¾, ½.
  Eigen::MatrixXd theta(4, 2);
  theta << 1, 0, 0.5, 0.5, 0, 1, 0.5, 0.5;
  const std::vector<int> y{0, 0, 1, 1};
  EXPECT_NEAR(score::leep(theta, y), 0.5 * std::log(0.375), 1e-15);
}

TEST(Leep, ZeroForAPerfectOneToOneSourcePredictor) {
  const std::vector<int> y{2, 0, 1, 1, 0, 2};
  Eigen::MatrixXd theta = Eigen::MatrixXd::Zero(6, 3);
  for (int i = 0; i < 6; ++i) theta(i, (y[static_cast<std::size_t>(i)] + 1) % 3) = 1.0;  // z = y + 1 mod 3
  EXPECT_EQ(score::leep(theta, y), 0.0);
}

TEST(Leep, InvariantToSourceClassOrderAndEmptySourceClasses) {
  Eigen::MatrixXd theta(5, 3);
  theta << 0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4, 0.05, 0.05, 0.9, 0.5, 0.25, 0.25;
  const std::vector<int> y{0, 1, 1, 2, 0};
  const double base = score::leep(theta, y);
  EXPECT_LT(base, 0.0);
  Eigen::MatrixXd swapped(5, 4);
  swapped << theta.col(2), theta.col(0), Eigen::VectorXd::Zero(5), theta.col(1);
  EXPECT_NEAR(score::leep(swapped, y), base, 1e-14);
}

TEST(Leep, Errors) {
  Eigen::MatrixXd theta(3, 2);
  theta << 0.5, 0.5, 0.2, 0.8, 1.0, 0.0;
  const std::vector<int> y{0, 1, 1};
  Eigen::MatrixXd bad_sum = theta;
  bad_sum.row(1) << 0.25, 0.5;
  expect_input_error([&] { score::leep(bad_sum, y); },
                     "leep: row 1 of theta sums to 0.75: expected source-class probabilities summing to 1");
  Eigen::MatrixXd negative = theta;
  negative.row(2) << 1.5, -0.5;
  expect_input_error([&] { score::leep(negative, y); },
                     "leep: theta(2, 1) = -0.5: expected probabilities ≥ 0");
  Eigen::MatrixXd nan = theta;
  nan(0, 0) = std::numeric_limits<double>::quiet_NaN();
  expect_input_error([&] { score::leep(nan, y); }, "leep: theta(0, 0) = nan: expected finite values");
  expect_input_error(
      [&] {
        score::leep(theta, std::vector<int>{0, 1});
      },
      "leep: labels has 2 entries for 3 samples");
  expect_input_error([&] { score::leep(Eigen::MatrixXd(0, 2), std::vector<int>{}); }, "leep: theta is 0 × 2");
}

// ---- LogME ------------------------------------------------------------------------------------

TEST(Logme, MatchesTheNumpyReference) {
  const Data a = data_a(), b = data_b();
  EXPECT_REL(score::logme(a.F, a.y), kLogmeA);
  EXPECT_REL(score::logme(b.F, b.y), kLogmeB);  // D > N: the F·Fᵀ path
}

TEST(Logme, UnchangedByAZeroColumn) {
  // Holds because log|αI + βFᵀF| counts the zero eigenvalues (thuml/LogME#23): the reference's
  // fixed-point code moves by ½·log α / N per class here.
  for (const Data& d : {data_a(), data_b()})
    EXPECT_NEAR(score::logme(with_zero_column(d.F), d.y), score::logme(d.F, d.y), 1e-11);
}

TEST(Logme, InvariantToSamplePermutationAndClassNames) {
  const Data a = data_a();
  const double base = score::logme(a.F, a.y);
  const Data p = permuted(a);
  EXPECT_NEAR(score::logme(p.F, p.y), base, 1e-11);
  std::vector<int> renamed(a.y.size());
  for (std::size_t i = 0; i < a.y.size(); ++i) renamed[i] = 10 * ((a.y[i] + 1) % 3);  // {0,1,2} → {10,20,0}
  EXPECT_NEAR(score::logme(a.F, renamed), base, 1e-14);
}

TEST(Logme, HigherForSeparatedClasses) {
  const Data weak = lcg_matrix(60, 6, 3, 5, 0.0), strong = lcg_matrix(60, 6, 3, 5, 4.0);
  EXPECT_GT(score::logme(strong.F, strong.y), score::logme(weak.F, weak.y));
}

// ---- Ledoit–Wolf and the H-scores -------------------------------------------------------------

TEST(LedoitWolf, MatchesTheReference) {
  EXPECT_REL(score::ledoit_wolf_shrinkage(data_a().F), kLedoitWolfA);
  EXPECT_REL(score::ledoit_wolf_shrinkage(data_b().F), kLedoitWolfB);
}

TEST(LedoitWolf, ZeroForAScaledIdentitySample) {
  // Rows ±e_j·√D: S = I exactly, so d² = 0 and the intensity is 0.
  Eigen::MatrixXd F(4, 2);
  F << 1, 0, -1, 0, 0, 1, 0, -1;
  EXPECT_EQ(score::ledoit_wolf_shrinkage(F), 0.0);
}

TEST(HScore, HandComputed) {
  // f = 0, 2 | 4, 6: var f = 5, var E[f|y] = 4.
  Eigen::MatrixXd F(4, 1);
  F << 0, 2, 4, 6;
  const std::vector<int> y{0, 0, 1, 1};
  EXPECT_NEAR(score::h_score(F, y), 0.8, 1e-15);
  // The pseudo-inverse ignores a zero column.
  EXPECT_NEAR(score::h_score(with_zero_column(F), y), 0.8, 1e-15);
}

TEST(HScore, MatchesTheReferenceAndIsTranslationInvariant) {
  const Data a = data_a();
  const double base = score::h_score(a.F, a.y);
  EXPECT_REL(base, kHScoreA);
  const Eigen::MatrixXd shifted = a.F.array() + 100.0;
  EXPECT_NEAR(score::h_score(shifted, a.y), base, 1e-9);
  EXPECT_NEAR(score::h_score(with_zero_column(a.F), a.y), base, 1e-12);
}

TEST(ShrinkageHScore, MatchesTheReference) {
  const Data a = data_a(), b = data_b();
  EXPECT_REL(score::shrinkage_h_score(a.F, a.y), kShrinkageHScoreA);
  EXPECT_REL(score::shrinkage_h_score(b.F, b.y), kShrinkageHScoreB);  // D > N: S singular, Σ_α not
}

TEST(ShrinkageHScore, ZeroShrinkageIsTheHScore) {
  const Data a = data_a();
  EXPECT_NEAR(score::shrinkage_h_score(a.F, a.y, {.shrinkage = 0.0}), score::h_score(a.F, a.y), 1e-13);
  const Eigen::MatrixXd shifted = a.F.array() - 7.0;
  EXPECT_NEAR(score::shrinkage_h_score(shifted, a.y), kShrinkageHScoreA, 1e-9);
}

TEST(ShrinkageHScore, Errors) {
  const Data a = data_a();
  expect_input_error([&] { score::shrinkage_h_score(a.F, a.y, {.shrinkage = 1.5}); },
                     "shrinkage_h_score: shrinkage = 1.5: expected an intensity in [0, 1]");
}

// ---- k-NN -------------------------------------------------------------------------------------

namespace {

// 1-D points 0, 1, 2 | 10, 11, 12 with labels 0 0 1 | 1 1 0: ties at distance 1 everywhere.
Data knn_line() {
  Data d{Eigen::MatrixXd(6, 1), {0, 0, 1, 1, 1, 0}};
  d.F << 0, 1, 2, 10, 11, 12;
  return d;
}

}  // namespace

TEST(Knn, HandComputedWithTies) {
  const Data d = knn_line();
  // k = 1: 1 sees 0 and 2 at distance 1 and takes the smaller label (0, right); 11 sees 10 and 12
  // and takes label 0 (wrong). Right: 0, 1, 10.
  EXPECT_DOUBLE_EQ(score::knn_accuracy(d.F, d.y, {.k = 1}), 3.0 / 6.0);
  // k = 2: one vote each goes to the nearer neighbour (equal distance: smaller label). Right: 0, 1, 10.
  EXPECT_DOUBLE_EQ(score::knn_accuracy(d.F, d.y, {.k = 2}), 3.0 / 6.0);
  // k = 3: plain majorities. Right: 10, 11.
  EXPECT_DOUBLE_EQ(score::knn_accuracy(d.F, d.y, {.k = 3}), 2.0 / 6.0);
}

TEST(Knn, LeavesTheSampleItselfOut) {
  // Two far clusters with alternating labels: with the sample counted it would always be right.
  Data d{Eigen::MatrixXd(4, 1), {0, 1, 0, 1}};
  d.F << 0, 0.1, 100, 100.1;
  EXPECT_EQ(score::knn_accuracy(d.F, d.y, {.k = 1}), 0.0);
}

TEST(Knn, InvariantToSamplePermutation) {
  for (const Data& d : {knn_line(), data_a()}) {
    const Data p = permuted(d);
    for (int k : {1, 2, 3, 5})
      EXPECT_EQ(score::knn_accuracy(p.F, p.y, {.k = k}), score::knn_accuracy(d.F, d.y, {.k = k}));
  }
}

TEST(Knn, Errors) {
  const Data d = knn_line();
  expect_input_error([&] { score::knn_accuracy(d.F, d.y, {.k = 6}); },
                     "knn_accuracy: k = 6 with 6 samples: expected 1 ≤ k < N");
  expect_input_error([&] { score::knn_accuracy(d.F, d.y, {.k = 0}); }, "knn_accuracy: k = 0");
}

// ---- SFDA -------------------------------------------------------------------------------------

TEST(Sfda, MatchesTheReference) {
  const Data a = data_a(), b = data_b();
  EXPECT_REL(score::sfda(a.F, a.y), kSfdaA);
  // D ≫ N without reduction: the discriminant separates the training samples, score 1 (SFDA#5).
  EXPECT_REL(score::sfda(b.F, b.y), kSfdaB);
  EXPECT_REL(score::sfda(b.F, b.y, {.pca_dim = 5}), kSfdaBPca5);
  // Features ×0.1: the shrinkage exp(−5·λ_max) ≈ 0.69 is above its floor, so the authors' power
  // iteration for λ_max is exercised (SFDA is not scale invariant).
  const Eigen::MatrixXd small = 0.1 * a.F;
  EXPECT_REL(score::sfda(small, a.y), kSfdaASmall);
}

TEST(Sfda, InUnitIntervalAndInvariantToTranslationAndPermutation) {
  const Data a = data_a();
  const double base = score::sfda(a.F, a.y);
  for (const Data& d : {data_a(), data_b(), lcg_matrix(30, 4, 2, 3, 0.0), lcg_matrix(50, 8, 5, 9, 3.0)}) {
    for (int pca : {0, 3}) {
      const double s = score::sfda(d.F, d.y, {.pca_dim = pca});
      EXPECT_GT(s, 0.0);
      EXPECT_LE(s, 1.0);
    }
  }
  const Data p = permuted(a);
  EXPECT_NEAR(score::sfda(p.F, p.y), base, 1e-9);
  const Eigen::MatrixXd shifted = a.F.array() + 3.0;
  EXPECT_NEAR(score::sfda(shifted, a.y), base, 1e-9);
}

TEST(Sfda, Errors) {
  const Data a = data_a();
  expect_input_error([&] { score::sfda(a.F, a.y, {.pca_dim = -1}); }, "sfda: pca_dim = -1");
  Eigen::MatrixXd points(4, 2);
  points << 0, 0, 0, 0, 1, 1, 1, 1;
  expect_input_error(
      [&] {
        score::sfda(points, std::vector<int>{0, 0, 1, 1});
      },
      "sfda: features have no within-class variance");
}

// ---- Input checks shared by the feature scores ------------------------------------------------

namespace {

using FeatureScore = std::function<double(const Eigen::MatrixXd&, const std::vector<int>&)>;

std::vector<std::pair<std::string, FeatureScore>> feature_scores() {
  return {
      {"logme", [](const Eigen::MatrixXd& F, const std::vector<int>& y) { return score::logme(F, y); }},
      {"h_score", [](const Eigen::MatrixXd& F, const std::vector<int>& y) { return score::h_score(F, y); }},
      {"shrinkage_h_score",
       [](const Eigen::MatrixXd& F, const std::vector<int>& y) { return score::shrinkage_h_score(F, y); }},
      {"knn_accuracy",
       [](const Eigen::MatrixXd& F, const std::vector<int>& y) {
         return score::knn_accuracy(F, y, {.k = 3});
       }},
      {"sfda", [](const Eigen::MatrixXd& F, const std::vector<int>& y) { return score::sfda(F, y); }},
  };
}

}  // namespace

TEST(ScoreInputs, EachBadInputThrowsAOneLineInputError) {
  const Data a = data_a();
  for (const auto& entry : feature_scores()) {
    const auto& name = entry.first;  // named, not bound: lambdas below capture them (clang 14)
    const auto& fn = entry.second;
    SCOPED_TRACE(name);
    EXPECT_NO_THROW(fn(a.F, a.y));
    std::vector<int> shorter(a.y.begin(), a.y.end() - 1);
    expect_input_error([&] { fn(a.F, shorter); }, name + ": labels has 39 entries for 40 samples");
    expect_input_error([&] { fn(a.F, std::vector<int>(40, 1)); }, name + ": labels with one class (1)");
    std::vector<int> negative = a.y;
    negative[5] = -2;
    expect_input_error([&] { fn(a.F, negative); }, name + ": labels[5] = -2: expected labels ≥ 0");
    Eigen::MatrixXd nan = a.F;
    nan(3, 2) = std::numeric_limits<double>::quiet_NaN();
    expect_input_error([&] { fn(nan, a.y); }, name + ": features(3, 2) = nan: expected finite values");
    Eigen::MatrixXd inf = a.F;
    inf(0, 5) = -std::numeric_limits<double>::infinity();
    expect_input_error([&] { fn(inf, a.y); }, name + ": features(0, 5) = -inf");
    expect_input_error([&] { fn(Eigen::MatrixXd(0, 0), std::vector<int>{}); }, name + ": features is 0 × 0");
    expect_input_error([&] { fn(a.F, std::vector<int>{}); }, name + ": labels is empty");
  }
}

TEST(ScoreInputs, LogmeRejectsAllZeroFeatures) {
  expect_input_error(
      [] {
        score::logme(Eigen::MatrixXd::Zero(4, 3), std::vector<int>{0, 1, 0, 1});
      },
      "logme: features are all zero");
}

TEST(ScoreInputs, LabelsWithGapsScoreAsTheirClasses) {
  const Data a = data_a();
  std::vector<int> gaps(a.y.size());
  for (std::size_t i = 0; i < a.y.size(); ++i) gaps[i] = 2 * a.y[i] + 1;  // {1, 3, 5}
  for (const auto& [name, fn] : feature_scores()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(fn(a.F, gaps), fn(a.F, a.y));
  }
}
