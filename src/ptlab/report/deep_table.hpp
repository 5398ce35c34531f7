#pragma once
// The text table of a deep experiment (`ptlab deep`).
#include <string>

#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::report {

/// The paper-style table: per setting (α or k), scratch and transfer accuracy (mean ± sd over
/// seeds), the gain in points with its 95% CI, and the verdict of that CI (experiment::ntg_verdict).
std::string deep_table(const experiment::DeepResult& result, const std::string& title);

}  // namespace ptlab::report
