#pragma once
// Text tables of sweeps, as `ptlab sweep` and `ptlab deep` print them.
#include <string>
#include <vector>

#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/store/summaries.hpp"

namespace ptlab::report {

/// The theory sweep table: one row per grid point (axis values, runs done / diverged / failed,
/// test errors against true labels, NTG with its 95% CI and the verdict), with a legend line.
std::string sweep_table(const std::vector<std::string>& axes, const std::vector<store::PointSummary>& points);

}  // namespace ptlab::report
