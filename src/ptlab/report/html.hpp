#pragma once
// The study report: one static HTML page, viewable offline (no scripts or styles fetched from
// anywhere), with the study's provenance, its base config, a results table per grid point and
// the figures of report/plot.hpp beside it.
#include <string>

#include "ptlab/store/study.hpp"

namespace ptlab::report {

/// Writes OUT_DIR/index.html and OUT_DIR/figures/* (SVG, named as in report/plot.hpp); returns the
/// page's path. Each figure links to its file (a click opens it full size) and its caption names
/// what it shows, in the field's symbols ("Learning curves at α = 0.5, n₁ = 10: ..."). The page sets
/// data-figures="LOADED of TOTAL" on <body> once its images have loaded (for headless checks).
/// Throws core::InputError if the study has no runs or the directory cannot be written.
std::string write_report(const store::Study& study, const std::string& out_dir);

}  // namespace ptlab::report
