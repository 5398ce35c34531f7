#pragma once
// The boundary between the `ptlab` executable and its deep half. LibTorch costs about half a second
// of start-up (its operator registry initialises when the library loads), which every theory
// command would pay if the executable linked it. So the executable links only the forwarding
// functions of loader.cpp, and the deep half is a module (ptlab_deep.so, module.cpp) that they
// load with dlopen the first time a deep function is called (docs/design.md §4).
#include <string>
#include <vector>

#include "ptlab/advise/deep_advise.hpp"
#include "ptlab/core/version.hpp"
#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::plugin {

/// Bumped whenever DeepApi changes shape; a module with another version is refused.
inline constexpr int kDeepApiVersion = 2;

/// The deep half's entry points (experiment/deep_run.hpp, advise/deep_advise.hpp), as the module
/// exports them. `build` is the module's build stamp: the loader refuses a module from another build,
/// whose types may differ from the executable's.
struct DeepApi {
  int version = kDeepApiVersion;
  std::string build;
  void (*check_deep)(const experiment::DeepSpec&) = nullptr;
  experiment::DeepResult (*run_deep)(const experiment::DeepSpec&, const experiment::DeepRunOptions&) = nullptr;
  std::vector<std::vector<experiment::DeepRecord>> (*run_deep_candidates)(
      const experiment::DeepSpec&, const std::vector<experiment::DeepSpec>&, const experiment::DeepRunOptions&,
      experiment::DeepResult*) = nullptr;
  std::vector<experiment::DeepBaseline> (*deep_baselines)(const experiment::DeepSpec&) = nullptr;
  std::vector<experiment::DeepSpec> (*deep_candidates)(const experiment::DeepSpec&, const advise::DeepAdviseOptions&, int,
                                                       std::vector<advise::Strategy>*) = nullptr;
  void (*check_deep_advise)(const experiment::DeepSpec&, const advise::DeepAdviseOptions&) = nullptr;
  advise::DeepAdviceResult (*advise_deep)(const experiment::DeepSpec&, const advise::DeepAdviseOptions&,
                                          const std::function<void(int, int)>&) = nullptr;
  std::vector<advise::ScoreSummary> (*deep_feature_scores)(const experiment::DeepSpec&, int, const std::string&) = nullptr;
};

/// The one build stamp both sides compare (version, commit, compiler, flags).
inline std::string build_stamp() {
  const core::BuildInfo b = core::build_info();
  return b.version + " " + b.git_sha + " " + b.compiler + " " + b.flags;
}

/// The symbol the module exports and the loader looks up.
inline constexpr const char* kDeepApiSymbol = "ptlab_deep_api";

}  // namespace ptlab::plugin
