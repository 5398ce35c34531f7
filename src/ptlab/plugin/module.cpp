// The deep half as a loadable module (ptlab_deep.so): exports the table of its entry points.
#include "ptlab/plugin/deep_api.hpp"


extern "C" __attribute__((visibility("default"))) const ptlab::plugin::DeepApi* ptlab_deep_api() {
  using namespace ptlab;
  static const plugin::DeepApi api{
      .version = plugin::kDeepApiVersion,
      .build = plugin::build_stamp(),
      .check_deep = &experiment::check_deep,
      .run_deep = &experiment::run_deep,
      .run_deep_candidates = &experiment::run_deep_candidates,
      .deep_baselines = &experiment::deep_baselines,
      .deep_candidates = &advise::deep_candidates,
      .check_deep_advise = &advise::check_deep_advise,
      .advise_deep = &advise::advise_deep,
      .deep_feature_scores = &advise::deep_feature_scores,
  };
  return &api;
}
