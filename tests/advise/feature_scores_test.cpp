#include "ptlab/advise/feature_scores.hpp"

#include <gtest/gtest.h>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"

using namespace ptlab;

TEST(FeatureScores, EveryScoreForThreeInitsWithPairedDifferences) {
  experiment::ExperimentSpec spec = experiment::load_config(std::string(PTLAB_SOURCE_DIR) + "/configs/paper.toml");
  const auto scores = advise::feature_scores(spec, 3);
  const std::vector<std::string> names{"LogME", "LEEP", "NCE", "H-score", "shrinkage H-score", "k-NN accuracy", "SFDA"};
  ASSERT_EQ(scores.size(), names.size());
  for (std::size_t s = 0; s < names.size(); ++s) {
    EXPECT_EQ(scores[s].name, names[s]);
    ASSERT_EQ(scores[s].value.size(), 3u);
    for (const auto& v : scores[s].value) EXPECT_EQ(v.n, 3);
    // Differences are paired per seed: their mean is the difference of the means.
    EXPECT_NEAR(scores[s].minus_fresh.mean, scores[s].value[0].mean - scores[s].value[1].mean, 1e-12);
    EXPECT_NEAR(scores[s].minus_norm_matched.mean, scores[s].value[0].mean - scores[s].value[2].mean, 1e-12);
  }
  // On paper.toml the upstream filters have learned the shared signal: its features separate the
  // downstream classes better than a fresh init's, by the shrinkage H-score, on every seed.
  EXPECT_GT(scores[4].minus_fresh.ci_low, 0.0);
  EXPECT_THROW(advise::feature_scores(spec, 0), core::InputError);
}
