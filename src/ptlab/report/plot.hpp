#pragma once
// Figures of a study with gnuplot (Debian gnuplot-nox), as PNG (pngcairo) and SVG, sized and
// lettered to stay legible at paper size:
//   curves  test error (true labels) against GD step, transfer vs scratch, mean ± 1 std over
//           seeds as a band; one figure per grid point (at most 50)
//   ntg     NTG against one axis, mean with 95% CI error bars; one line per value of the other axes
//   phase   heatmap of mean NTG over two axes with the NTG = 0 contour
#include <string>
#include <vector>

#include "ptlab/store/study.hpp"

namespace ptlab::report {

struct PlotOptions {
  std::string kind = "ntg";           ///< curves, ntg or phase
  std::string out_dir = "figures";    ///< created if missing
  std::string x;                      ///< x axis key (ntg, phase); default: the study's first axis
  std::string y;                      ///< y axis key (phase); default: the study's second axis
  std::vector<std::string> formats = {"png", "svg"};
};

/// Writes the figures and returns their paths. Throws core::InputError for an unknown kind or axis,
/// a study without the needed axes or runs, or when gnuplot is missing or fails.
std::vector<std::string> plot_study(const store::Study& study, const PlotOptions& options);

}  // namespace ptlab::report
