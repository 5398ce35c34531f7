#include "ptlab/advise/feature_scores.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

#include "ptlab/core/error.hpp"
#include "ptlab/advise/practitioner.hpp"
#include "ptlab/model/features.hpp"
#include "ptlab/score/score.hpp"
#include "ptlab/transfer/controls.hpp"

namespace ptlab::advise {
namespace {

using Inputs = ScoreInputs;
using ScoreFn = std::function<double(const Inputs&)>;

std::vector<std::pair<std::string, ScoreFn>> scores(int n) {
  const int k = std::min(5, n - 1);
  // SFDA needs its PCA well below N − C (score/sfda.hpp): half of what is left.
  const int pca = std::max(1, (n - 2) / 2);
  return {
      {"LogME", [](const Inputs& in) { return score::logme(in.F, in.y); }},
      {"LEEP", [](const Inputs& in) { return score::leep(in.theta, in.y); }},
      {"NCE", [](const Inputs& in) { return score::nce(score::SourceLabels(in.z), score::TargetLabels(in.y)); }},
      {"H-score", [](const Inputs& in) { return score::h_score(in.F, in.y); }},
      {"shrinkage H-score", [](const Inputs& in) { return score::shrinkage_h_score(in.F, in.y); }},
      {"k-NN accuracy", [k](const Inputs& in) { return score::knn_accuracy(in.F, in.y, {.k = k}); }},
      {"SFDA", [pca](const Inputs& in) { return score::sfda(in.F, in.y, {.pca_dim = pca}); }},
  };
}

Inputs inputs_of(const model::ModelOptions& options, const model::Weights& W, const data::Dataset& train) {
  Inputs in;
  in.F = model::hidden_features(options, W, train);
  const Eigen::VectorXd f = model::outputs(options, W, train.X, train.P);
  in.theta.resize(train.n(), 2);
  for (int i = 0; i < train.n(); ++i) {
    const double p1 = 1.0 / (1.0 + std::exp(-f(i)));
    in.theta(i, 0) = 1.0 - p1;
    in.theta(i, 1) = p1;
    in.z.push_back(f(i) > 0.0 ? 1 : 0);
    in.y.push_back(train.y(i) > 0.0 ? 1 : 0);
  }
  return in;
}

}  // namespace

std::vector<std::string> score_names() {
  std::vector<std::string> out;
  for (const auto& f : scores(3)) out.push_back(f.first);
  return out;
}

std::vector<double> score_values(const ScoreInputs& in) {
  std::vector<double> out;
  for (const auto& f : scores(static_cast<int>(in.F.rows()))) out.push_back(f.second(in));
  return out;
}

std::vector<ScoreSummary> summarize_scores(const std::vector<std::array<std::vector<double>, kInits>>& values) {
  const auto names = score_names();
  std::vector<ScoreSummary> out;
  for (std::size_t s = 0; s < values.size(); ++s) {
    ScoreSummary r{names[s], {}, {}, {}};
    for (int i = 0; i < kInits; ++i) r.value.push_back(experiment::summarize(values[s][static_cast<std::size_t>(i)]));
    std::vector<double> d_fresh, d_norm;
    for (std::size_t k = 0; k < values[s][0].size(); ++k) {
      d_fresh.push_back(values[s][0][k] - values[s][1][k]);
      d_norm.push_back(values[s][0][k] - values[s][2][k]);
    }
    r.minus_fresh = experiment::summarize(d_fresh);
    r.minus_norm_matched = experiment::summarize(d_norm);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ScoreSummary> feature_scores(const experiment::ExperimentSpec& spec, int seeds,
                                         experiment::UpstreamCache* cache) {
  PTLAB_CHECK(seeds >= 1, fmt::format("score: seeds = {}; expected an integer ≥ 1", seeds));
  experiment::check_memory(spec, 1);  // one seed at a time; refuse sizes that cannot fit
  PTLAB_CHECK(spec.downstream.n >= 3,
              fmt::format("score: downstream.n = {}; expected at least 3 samples to score", spec.downstream.n));
  const auto fns = scores(spec.downstream.n);
  // values[score][init][seed]
  std::vector<std::array<std::vector<double>, kInits>> values(fns.size());
  for (int k = 0; k < seeds; ++k) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(k);
    const PractitionerView view = practitioner_view(spec, seed, cache);
    const data::Dataset& train = view.train;
    PTLAB_CHECK((train.y.array() != train.y(0)).any(),
                fmt::format("score: the {} downstream training labels of seed {} are all of one class; expected two "
                            "classes (a larger downstream.n)", train.n(), seed));
    const std::array<model::Weights, kInits> W{view.upstream, view.fresh, transfer::norm_matched(view.fresh, view.upstream)};
    for (int i = 0; i < kInits; ++i) {
      const Inputs in = inputs_of(spec.model, W[static_cast<std::size_t>(i)], train);
      // Diverged or extreme weights give features no score can use: say so, naming the seed.
      PTLAB_CHECK(in.F.allFinite() && in.F.cwiseAbs().maxCoeff() < 1e25,
                  fmt::format("score: the {} features of seed {} are not finite or exceed 1e25 (max |f| = {:g}); "
                              "expected a config whose training stays finite (check eta, sigma_0, norms)",
                              i == 0 ? "upstream" : i == 1 ? "fresh" : "norm-matched", seed, in.F.cwiseAbs().maxCoeff()));
      for (std::size_t s = 0; s < fns.size(); ++s) values[s][static_cast<std::size_t>(i)].push_back(fns[s].second(in));
    }
  }
  return summarize_scores(values);
}

}  // namespace ptlab::advise
