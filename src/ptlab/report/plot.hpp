#pragma once
// Figures of a study with gnuplot (Debian gnuplot-nox), as PNG (pngcairo) and SVG, sized and
// lettered to stay legible at paper size:
//   curves  test error (true labels) against GD step, transfer vs scratch, mean ± 1 std over
//           seeds as a band; one figure per grid point (at most 50)
//   ntg     NTG against one axis, mean with 95% CI error bars; one line per value of the other axes
//   phase   heatmap of mean NTG over two axes with the NTG = 0 contour
//   dynamics  γ/ρ trajectories (DESIGN.md §1.4), mean over seeds: upstream signal learning and
//           noise memorisation; downstream γ, ρ̄ and j·⟨w, u⟩ for the transfer model's inherited
//           and fresh filters and for the scratch model; one figure per grid point (at most 50)
#include <string>
#include <vector>

#include "ptlab/store/study.hpp"

namespace ptlab::report {

struct PlotOptions {
  std::string kind = "ntg";           ///< curves, dynamics, ntg or phase
  std::string out_dir = "figures";    ///< created if missing
  std::string x;                      ///< x axis key (ntg, phase); default: the study's first axis
  std::string y;                      ///< y axis key (phase); default: the study's second axis
  std::vector<std::string> formats = {"png", "svg"};
};

/// Writes the figures and returns their paths. Throws core::InputError for an unknown kind or axis,
/// a study without the needed axes or runs, or when gnuplot is missing or fails.
std::vector<std::string> plot_study(const store::Study& study, const PlotOptions& options);

/// Figures of one `ptlab run --out DIR` directory: kind curves or dynamics. Throws
/// core::InputError for another kind or a directory without the needed file.
std::vector<std::string> plot_run_dir(const std::string& run_dir, const PlotOptions& options);

}  // namespace ptlab::report
