#pragma once
// `ptlab advise` for theory configs: every probe, then the decision rule.
#include <functional>
#include <vector>

#include "ptlab/advise/activation_probe.hpp"
#include "ptlab/advise/curve_probe.hpp"
#include "ptlab/advise/decide.hpp"

namespace ptlab::advise {

struct AdviseOptions {
  /// 10 paired seeds at 12% of the budget, 7 candidates: about 20% of the full paired runs' work
  /// on configs/paper.toml (docs/advice.md).
  CurveProbeOptions curve{.folds = 4, .budget = 0.12, .seeds = 10, .points = 8};
  std::vector<double> alphas{0.25, 0.5, 1.0};  ///< α grid of the random filter rule
  double tau = 0.5;                                    ///< activation rule and probe, in (0, 1]
  ExtraStrategies extra{.shrink = 0.5, .perturb = 1.0, .l2sp = 0.1};  ///< shrink-perturb and L2-SP candidates
  /// Of decide(): the 70% lower bound above 0 points, the rule chosen on the development part of
  /// the advice benchmark (configs/advise/theory_bench.toml; docs/advice.md).
  DecisionRule rule{.level = 0.7, .margin = 0.0};
};

struct AdviceResult {
  CurveProbe probe;
  AdviseOptions options;
  ActivationProbe activation;  ///< on the first seed's upstream and downstream training set
  Advice advice;
  double wall_s = 0.0;
};

/// Probes `spec`'s upstream and downstream training set and decides. spec.transfer.freeze decides
/// whether inherited filters are frozen in every strategy. Throws core::InputError for options out of range.
AdviceResult advise_theory(const experiment::ExperimentSpec& spec, const AdviseOptions& options,
                           const std::function<void(int, int)>& progress = {},
                           experiment::UpstreamCache* cache = nullptr);

}  // namespace ptlab::advise
