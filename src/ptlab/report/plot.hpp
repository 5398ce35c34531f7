#pragma once
// Figures of a study with gnuplot (Debian gnuplot-nox), as PNG (pngcairo) and SVG, sized and
// lettered to stay legible at paper size, each with the `.dat` file behind it (docs/figures.md
// documents every column):
//   curves  test error (true labels) against GD step, transfer vs scratch, mean ± 1 std over
//           seeds as a band; one figure per grid point (at most 50)
//   ntg     NTG against one axis at its real values (log axis when log-spaced), mean with 95% CI
//           error bars; one line per value of the other axes
//   phase   mean NTG over two axes, one cell per grid point at its real values (log axes when
//           log-spaced); cells whose 95% CI contains 0 carry a circle; the NTG = 0 contour is drawn
//           only between neighbouring points of significantly opposite sign
//   dynamics  γ/ρ trajectories (docs/design.md §2.4), mean over seeds: upstream signal learning and
//           noise memorisation; downstream γ, ρ̄ and j·⟨w, u⟩ for the transfer model's inherited
//           and fresh filters and for the scratch model; one figure per grid point (at most 50)
// Files are named after what they show, STEM-KIND[-WHAT].EXT, STEM being the study file's stem
// (or the run directory's name): alpha-ntg-transfer.alpha.png, alpha-phase-transfer.alpha-upstream.n.svg,
// alpha-curves-transfer.alpha=0.5-upstream.n=10.png; two studies plotted into one folder never
// overwrite each other.
#include <string>
#include <vector>

#include "ptlab/store/study.hpp"

namespace ptlab::report {

struct PlotOptions {
  std::string kind = "ntg";           ///< curves, dynamics, ntg, phase or heatmap
  /// heatmap: the record metric, "ntg" or PHASE.FIELD with PHASE upstream, transfer or scratch and
  /// FIELD train_loss, train_error, test_error, test_error_true or steps.
  std::string metric = "scratch.test_error";
  std::string out_dir = "figures";    ///< created if missing
  std::string x;                      ///< x axis key (ntg, phase); default: the study's first axis
  std::string y;                      ///< y axis key (phase); default: the study's second axis
  std::vector<std::string> formats = {"png", "svg"};
};

/// One figure: its files (one per format, in PlotOptions::formats order), the data file behind it
/// and a caption saying what it shows in the field's symbols (e.g. "Learning curves at α = 0.5,
/// n₁ = 10: ...").
struct Figure {
  std::vector<std::string> files;
  std::string data;
  std::string caption;
};

/// Writes the figures and returns them. Throws core::InputError for an unknown kind, format or
/// axis, a study without the needed axes or runs, or when gnuplot is missing or fails.
std::vector<Figure> plot_study_figures(const store::Study& study, const PlotOptions& options);

/// plot_study_figures, flattened to the figure files.
std::vector<std::string> plot_study(const store::Study& study, const PlotOptions& options);

/// Figures of one `ptlab run --out DIR` directory: kind curves or dynamics, named after the
/// directory. Throws core::InputError for another kind or a directory without the needed file.
std::vector<std::string> plot_run_dir(const std::string& run_dir, const PlotOptions& options);

/// The field's symbol of a config key, as plain UTF-8 text: "α" for transfer.alpha, "n₁" for
/// upstream.n, "‖u‖" for data.norm_u, "σ_p,2" for downstream.sigma_p (the symbols of the key
/// comments in experiment/config.cpp); the key itself for a key without one.
std::string axis_symbol(const std::string& key);

/// An axis label: "α (transfer.alpha)", or the bare key for a key without a symbol.
std::string axis_label(const std::string& key);

/// A grid point (JSON object text, axis key → value) in symbol form: "α = 0.5, n₁ = 10";
/// "all runs" for a point without axes. Throws nlohmann::json::parse_error for invalid JSON.
std::string point_caption(const std::string& point_json);

/// Whether axis values are log-spaced, so that a log axis shows them evenly: every value > 0, the
/// largest at least 10 times the smallest, and the smallest log ratio of neighbouring sorted
/// values at least half the largest (accepts the rounded logspace of integer keys and 1-2-5
/// series; refuses linear grids). Order and repeats of `values` do not matter.
bool log_spaced(std::vector<double> values);

}  // namespace ptlab::report
