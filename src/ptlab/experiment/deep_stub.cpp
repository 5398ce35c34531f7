// Built instead of the deep half when LibTorch is absent (PTLAB_DEEP=OFF).
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::experiment {

bool deep_available() { return false; }

void check_deep(const DeepSpec& spec) { run_deep(spec); }

DeepResult run_deep(const DeepSpec&, const DeepRunOptions&) {
  throw core::InputError("ptlab deep: this ptlab was built without LibTorch; expected Debian's libtorch-dev "
                         "(scripts/install-deps.sh) and a rebuild");
}

std::vector<std::vector<DeepRecord>> run_deep_candidates(const DeepSpec& base, const std::vector<DeepSpec>&,
                                                         const DeepRunOptions& options) {
  run_deep(base, options);
  return {};
}

}  // namespace ptlab::experiment
