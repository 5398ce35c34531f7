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

}  // namespace ptlab::experiment
