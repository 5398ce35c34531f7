#include "ptlab/report/html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/core/whole_dir.hpp"
#include "ptlab/experiment/stats.hpp"
#include "ptlab/store/record_format.hpp"
#include "ptlab/store/study_sink.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/report/plot.hpp"
#include "ptlab/store/summaries.hpp"
#include "ptlab/verify/claims.hpp"

namespace ptlab::report {
namespace fs = std::filesystem;

namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string cell(const experiment::Stat& s, bool sign = false) {
  if (s.n == 0 || !std::isfinite(s.mean)) return "&ndash;";
  return sign ? fmt::format("{:+.4f}", s.mean) : fmt::format("{:.4f}", s.mean);
}

constexpr const char* kStyle = R"css(
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #e4e4e4; text-align: right; }
th { background: #f4f4f4; }
td.helps { color: #2166ac; font-weight: bold; } td.hurts { color: #b2182b; font-weight: bold; }
pre { background: #f7f7f7; padding: 1em; font-size: 0.85em; overflow-x: auto; }
figure { display: inline-block; margin: 0.5em; } figure img { max-width: 520px; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #555; }
.meta { color: #555; font-size: 0.9em; }
)css";

// The candidate indicators scored on this study's points (verify::score_indicators).
std::string indicator_section(const std::vector<store::RunRow>& rows) {
  std::vector<std::string> keys;
  std::map<std::string, std::pair<std::string, std::vector<double>>> by_point;  // point → (config, NTGs)
  for (const auto& row : rows) {
    if (row.status != "done") continue;
    if (!by_point.count(row.point)) keys.push_back(row.point);
    auto& entry = by_point[row.point];
    if (entry.first.empty()) entry.first = row.config;
    const auto record = nlohmann::json::parse(row.record);
    if (record.contains("ntg") && record["ntg"].is_number()) entry.second.push_back(record["ntg"].get<double>());
  }
  std::vector<verify::PointResult> points;
  for (const auto& key : keys) {
    const auto& [config, ntg] = by_point[key];
    points.push_back({key, theory::inputs_of(experiment::parse_config(config, "study config")), experiment::summarize(ntg)});
  }
  int undetermined = 0;
  const auto scores = verify::score_indicators(points, &undetermined);
  std::string html = fmt::format(R"html(<h2>Candidate indicators</h2>
<p>How well each candidate indicator (our hypotheses, docs/theory.md; not the paper's formula) separates the
{} grid points where transfer significantly helps from those where it significantly hurts ({} points with a
95% CI containing 0 left out). ROC AUC 1: a threshold separates them perfectly; 0.5: no better than chance.</p>
<table><thead><tr><th>indicator</th><th>formula</th><th>helps / hurts</th><th>ROC AUC</th><th>fitted threshold</th>
<th>balanced accuracy at the fitted threshold</th><th>balanced accuracy at the predicted threshold</th></tr></thead><tbody>
)html",
                                 points.size() - static_cast<std::size_t>(undetermined), undetermined);
  const auto num = [](double x) { return std::isfinite(x) ? fmt::format("{:.3g}", x) : std::string("&ndash;"); };
  for (const auto& sc : scores)
    html += fmt::format("<tr><td>{}</td><td><code>{}</code></td><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        escape(sc.indicator.name), escape(sc.indicator.formula), sc.separation.positive,
                        sc.separation.negative, num(sc.separation.auc), num(sc.separation.threshold),
                        num(sc.separation.balanced_accuracy), num(sc.separation.predicted_accuracy));
  return html + "</tbody></table>\n";
}

// The report's directory, absolute, once it is known that it may be (re)placed: absent, an empty
// directory or a previous report (index.html and figures/ only), and not the working directory or
// one of its ancestors.
fs::path whole_target(const std::string& out_dir) {
  if (out_dir.empty()) throw core::InputError("report --out: empty path; expected a directory");
  fs::path p = fs::absolute(fs::path(out_dir)).lexically_normal();
  if (p.filename().empty() && p.has_parent_path()) p = p.parent_path();
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (!ec && std::mismatch(p.begin(), p.end(), cwd.begin(), cwd.end()).first == p.end())
    throw core::InputError(fmt::format("report --out {}: the working directory or one of its ancestors; expected a "
                                       "directory of its own", out_dir));
  const auto status = fs::symlink_status(p, ec);
  if (!fs::exists(status)) return p;
  if (!fs::is_directory(status))
    throw core::InputError(fmt::format("report --out {}: exists and is not a directory; expected a new directory or "
                                       "a previous report", out_dir));
  for (const auto& entry : fs::directory_iterator(p, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = (name == "index.html" && entry.is_regular_file(ec)) ||
                      (name == "figures" && !entry.is_symlink(ec) && entry.is_directory(ec));
    if (!ours)
      throw core::InputError(fmt::format("report --out {}: holds {}, which is not part of a report; expected a new "
                                         "directory, an empty one or a previous report (index.html and figures/)",
                                         out_dir, name));
  }
  return p;
}

std::string page_html(const store::Study& study, const std::vector<store::RunRow>& rows,
                      const std::vector<store::PointSummary>& points, const std::vector<std::string>& axes,
                      const fs::path& out_dir) {

  // Figures: NTG against the first axis, the phase diagram when there are two axes, curves and
  // γ/ρ dynamics per grid point; each caption (from report/plot.hpp) says what it shows and where.
  std::vector<std::pair<std::string, std::string>> figures;  // (file relative to out_dir, caption)
  const std::string fig_dir = (fs::path(out_dir) / "figures").string();
  const auto add = [&](const PlotOptions& options) {
    for (const auto& figure : plot_study_figures(study, options))
      for (const auto& f : figure.files) figures.emplace_back("figures/" + fs::path(f).filename().string(), figure.caption);
  };
  // A study of scratch-only runs (run.phases = "scratch", e.g. the Kou et al. heatmap preset) has
  // no NTG: its figures are the scratch test error instead of NTG and the phase diagram.
  const bool has_ntg = std::any_of(points.begin(), points.end(), [](const auto& p) { return std::isfinite(p.ntg.mean); });
  if (!axes.empty() && has_ntg) add({.kind = "ntg", .out_dir = fig_dir, .formats = {"svg"}});
  // A phase diagram needs two axes with more than one value each (a deep sweep at one α has a
  // single-valued transfer.alpha).
  std::set<std::string> second_values;
  if (axes.size() >= 2)
    for (const auto& row : rows) {
      const auto point = nlohmann::json::parse(row.point);
      if (point.contains(axes[1])) second_values.insert(point[axes[1]].dump());
    }
  if (axes.size() >= 2 && second_values.size() > 1)
    add({.kind = has_ntg ? "phase" : "heatmap", .metric = "scratch.test_error", .out_dir = fig_dir, .formats = {"svg"}});
  add({.kind = "curves", .out_dir = fig_dir, .formats = {"svg"}});
  const bool has_dynamics = std::any_of(rows.begin(), rows.end(), [](const auto& r) { return !r.dynamics.empty(); });
  if (has_dynamics) add({.kind = "dynamics", .out_dir = fig_dir, .formats = {"svg"}});

  std::string html = fmt::format(R"html(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ptlab study {0}</title><style>{1}</style></head>
<body data-figures="pending">
<h1>ptlab study <code>{0}</code></h1>
<p class="meta">{2} runs over {3} grid points &middot; schema version {4} &middot; created {5} &middot; ptlab {6}</p>
<p>NTG = err<sub>transfer</sub> &minus; err<sub>scratch</sub> on the downstream test set (true labels):
negative means transfer helps (for deep runs, the accuracy gain in points is &minus;100&middot;NTG). &ldquo;helps&rdquo; / &ldquo;hurts&rdquo;: the 95% Student-t CI over seeds excludes 0.</p>
<h2>Results</h2>
<table><thead><tr>)html",
                                 escape(fs::path(study.path()).filename().string()), kStyle, rows.size(), points.size(),
                                 escape(study.meta("schema_version").value_or("?")),
                                 escape(study.meta("created_utc").value_or("?")),
                                 escape(study.meta("ptlab_version").value_or("?")));
  for (const auto& a : axes) html += "<th>" + escape(a) + "</th>";
  html += "<th>done</th><th>diverged</th><th>failed</th><th>err transfer</th><th>err scratch</th><th>NTG</th>"
          "<th>95% CI</th><th>transfer</th></tr></thead>\n<tbody>\n";
  for (const auto& p : points) {
    html += "<tr>";
    for (std::size_t a = 0; a < axes.size(); ++a)
      html += "<td>" + escape(a < p.values.size() ? p.values[a] : "") + "</td>";
    const bool ci = std::isfinite(p.ntg.ci_low);
    const char* verdict = experiment::verdict_short(experiment::ntg_verdict(p.ntg));
    html += fmt::format(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
        p.done, p.diverged, p.failed, cell(p.transfer_test_error_true), cell(p.scratch_test_error_true),
        cell(p.ntg, true), ci ? fmt::format("[{:+.4f}, {:+.4f}]", p.ntg.ci_low, p.ntg.ci_high) : "&ndash;", verdict,
        verdict);
  }
  html += "</tbody></table>\n";
  // The indicators are functions of the theory model's parameters; deep runs have none.
  if (!store::is_deep_study(study)) html += indicator_section(rows);
  html += "<h2>Figures</h2>\n";
  for (const auto& [file, caption] : figures)
    // A click opens the figure full size (the page shows it shrunk to fit).
    html += fmt::format("<figure><a href=\"{0}\"><img src=\"{0}\" alt=\"{1}\"></a><figcaption>{1}</figcaption></figure>\n",
                        escape(file), escape(caption));
  html += fmt::format(R"html(<h2>Config of the first grid point</h2>
<p class="meta">Every point shares it except for the axes above; the exact config of each run is in the study
(<code>ptlab export {0} --jsonl</code>).</p>
<pre>{1}</pre>
<h2>Provenance</h2>
<pre>{2}</pre>
<script>
// For headless checks: how many figures loaded.
window.addEventListener("load", function () {{
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; ++i) if (imgs[i].complete && imgs[i].naturalWidth > 0) ++ok;
  document.body.setAttribute("data-figures", ok + " of " + imgs.length);
}});
</script>
</body></html>
)html",
                      escape(fs::path(study.path()).filename().string()), escape(rows.front().config),
                      escape(nlohmann::json::parse(rows.front().provenance).dump(2)));
  return html;
}

}  // namespace

std::string write_report(const store::Study& study, const std::string& out_dir) {
  const auto rows = study.rows();
  if (rows.empty())
    throw core::InputError(fmt::format("{}: the study has no runs; expected a study written by ptlab sweep", study.path()));
  const auto points = store::summarize_points(study);
  const auto first_point = nlohmann::ordered_json::parse(rows.front().point);
  std::vector<std::string> axes;
  for (const auto& [key, value] : first_point.items()) axes.push_back(key);

  const fs::path target = whole_target(out_dir);
  core::write_whole_dir(target, "report --out " + out_dir, [&](const fs::path& tmp) {
    fs::create_directory(tmp / "figures");
    core::write_file((tmp / "index.html").string(), page_html(study, rows, points, axes, tmp));
  });
  return (fs::path(out_dir) / "index.html").string();
}


}  // namespace ptlab::report
