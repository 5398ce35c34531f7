// Built instead of the deep probes when LibTorch is absent (PTLAB_DEEP=OFF).
#include "ptlab/advise/deep_advise.hpp"
#include "ptlab/core/error.hpp"

namespace ptlab::advise {
namespace {

[[noreturn]] void no_deep(const char* command) {
  throw core::InputError(std::string(command) + ": deep configs need the deep half, and this ptlab was built without "
                         "LibTorch; expected Debian's libtorch-dev (scripts/install-deps.sh) and a rebuild");
}

}  // namespace

std::vector<experiment::DeepSpec> deep_candidates(const experiment::DeepSpec&, const DeepAdviseOptions&, int,
                                                  std::vector<Strategy>*) {
  no_deep("advise");
}

void check_deep_advise(const experiment::DeepSpec&, const DeepAdviseOptions&) { no_deep("advise"); }

DeepAdviceResult advise_deep(const experiment::DeepSpec&, const DeepAdviseOptions&, const std::function<void(int, int)>&) {
  no_deep("advise");
}

std::vector<ScoreSummary> deep_feature_scores(const experiment::DeepSpec&, int, const std::string&) { no_deep("score"); }

}  // namespace ptlab::advise
