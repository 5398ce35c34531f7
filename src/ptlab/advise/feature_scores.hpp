#pragma once
// Transferability scores (score/) of the theory CNN's hidden features on the downstream training
// set, for the upstream weights, a fresh initialisation and the norm-matched random control
// (fresh directions at the upstream filters' norms; Raghu et al. 2019). A score informs the
// transfer-or-not question only as a difference: upstream − fresh (does inheriting help at all?)
// and upstream − norm-matched (is it the features, or only their scale?).
#include <Eigen/Dense>
#include <array>
#include <string>
#include <vector>

#include "ptlab/experiment/spec.hpp"
#include "ptlab/experiment/stats.hpp"
#include "ptlab/experiment/upstream_cache.hpp"

namespace ptlab::advise {

/// The three initialisations scored, in this order.
enum class Init { upstream, fresh, norm_matched };
inline constexpr int kInits = 3;

struct ScoreSummary {
  std::string name;                   ///< "LogME", "LEEP", "NCE", "H-score", "shrinkage H-score", "k-NN accuracy", "SFDA"
  std::vector<experiment::Stat> value;  ///< per Init, over seeds
  experiment::Stat minus_fresh;         ///< upstream − fresh, per seed, summarised
  experiment::Stat minus_norm_matched;  ///< upstream − norm-matched, per seed, summarised
};

/// What the scores read from one model on one training set.
struct ScoreInputs {
  Eigen::MatrixXd F;      ///< n × p features
  Eigen::MatrixXd theta;  ///< n × K source-class probabilities of the model's own output (LEEP)
  std::vector<int> z;     ///< n hard source labels, argmax of theta (NCE)
  std::vector<int> y;     ///< n target labels in {0, …, C − 1}
};

/// The score names, in the order of score_values() and of feature_scores()'s summaries.
std::vector<std::string> score_names();

/// Every score of `in`, in score_names() order (k-NN with k = min(5, n − 1); SFDA with a PCA to
/// (n − 2)/2 dimensions). Throws as the score functions (score/score.hpp).
std::vector<double> score_values(const ScoreInputs& in);

/// The summaries of values[score][init][seed] (score_names() order, Init order).
std::vector<ScoreSummary> summarize_scores(const std::vector<std::array<std::vector<double>, kInits>>& values);

/// Scores seeds spec.seed .. spec.seed + seeds − 1 (each: its upstream, training set and fresh
/// init, drawn as `ptlab run` draws them). Features: model::hidden_features (n2 × 2m); labels:
/// the observed downstream labels. LEEP and NCE use the model's own two-class predictions
/// (probabilities sigmoid(±f), hard labels sign f) as the source. Throws core::InputError for
/// labels of one class (a seed whose downstream labels are all equal) or seeds < 1.
/// `cache` shares the upstream phases with other work on the same seeds.
std::vector<ScoreSummary> feature_scores(const experiment::ExperimentSpec& spec, int seeds,
                                         experiment::UpstreamCache* cache = nullptr);

}  // namespace ptlab::advise
