#include "ptlab/report/plot.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/stats.hpp"

namespace ptlab::report {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

struct Run {
  ordered_json point;
  nlohmann::json record;
  std::string curves;
  bool done = false;
  std::string dynamics;
  std::string source = "study";  ///< where the CSV text came from (for messages)
};

std::vector<Run> load(const store::Study& study) {
  std::vector<Run> runs;
  for (const auto& row : study.rows())
    runs.push_back({ordered_json::parse(row.point), nlohmann::json::parse(row.record), row.curves, row.status == "done",
                    row.dynamics, study.path()});
  if (runs.empty()) throw core::InputError(fmt::format("{}: the study has no runs; expected a study written by ptlab sweep", study.path()));
  return runs;
}

std::vector<std::string> axes_of(const std::vector<Run>& runs) {
  std::vector<std::string> axes;
  for (const Run& r : runs)
    for (const auto& [k, v] : r.point.items())
      if (std::find(axes.begin(), axes.end(), k) == axes.end()) axes.push_back(k);
  return axes;
}

// Distinct values of an axis in order of appearance, as text.
std::vector<std::string> values_of(const std::vector<Run>& runs, const std::string& axis) {
  std::vector<std::string> values;
  for (const Run& r : runs) {
    const std::string v = r.point.contains(axis) ? r.point[axis].dump() : "-";
    if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
  }
  // Numbers in numeric order; other values keep their order.
  const bool numeric = std::all_of(values.begin(), values.end(), [](const std::string& v) {
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    return end != nullptr && *end == '\0';
  });
  if (numeric)
    std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return std::stod(a) < std::stod(b); });
  return values;
}

std::string label(std::string v) {
  v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
  return v;
}

// gnuplot-escaped text inside double quotes.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void run_gnuplot(const fs::path& script) {
  // gnuplot's own messages go to a file: on failure we report its last line, not a screenful.
  const fs::path log = script.string() + ".log";
  const pid_t pid = fork();
  if (pid < 0) throw core::InputError("plot: cannot start gnuplot");
  if (pid == 0) {
    if (std::FILE* f = std::freopen(log.c_str(), "w", stderr); f == nullptr) _exit(126);
    execlp("gnuplot", "gnuplot", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::string last;
  {
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);)
      if (line.find_first_not_of(" \t^") != std::string::npos) last = line;
  }
  std::error_code ec;
  fs::remove(log, ec);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    throw core::InputError("plot: gnuplot not found; expected Debian's gnuplot-nox (scripts/install-deps.sh installs it)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw core::InputError(fmt::format("plot: gnuplot failed on {}: {}", script.string(), last));
}

// Creates the output directory once the data are known to be plottable (no empty directory is
// left behind by a failed plot).
void prepare_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw core::InputError(fmt::format("plot --out {}: exists and is not a directory; expected a directory", dir.string()));
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec))
    throw core::InputError(fmt::format("plot --out {}: cannot create the directory", dir.string()));
}

// A CSV line of `expected` cells from `source`; the header line (first cell "seed") is skipped by
// returning an empty vector. Throws core::InputError naming the source and line otherwise.
std::vector<std::string> csv_cells(const std::string& line, std::size_t expected, const std::string& source, int number) {
  std::vector<std::string> c;
  std::istringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) c.push_back(cell);
  if (!line.empty() && line.back() == ',') c.emplace_back();
  if (!c.empty() && c[0] == "seed") return {};
  if (c.size() != expected)
    throw core::InputError(fmt::format("{} line {}: {} comma-separated cells; expected {}", source, number, c.size(), expected));
  return c;
}

// A number cell: the whole cell must parse ("" → NaN: a diverged value). Throws core::InputError.
double csv_number(const std::string& cell, const std::string& source, int number, const char* column) {
  if (cell.empty()) return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(cell.c_str(), &end);
  if (end == cell.c_str() || *end != '\0' || errno == ERANGE)
    throw core::InputError(fmt::format("{} line {}: {} = \"{}\"; expected a number", source, number, column, cell));
  return x;
}

int csv_step(const std::string& cell, const std::string& source, int number) {
  const double x = csv_number(cell, source, number, "step");
  if (!(x >= 0 && x <= 2e9 && x == std::floor(x)))
    throw core::InputError(fmt::format("{} line {}: step = \"{}\"; expected a whole number of GD steps", source, number, cell));
  return static_cast<int>(x);
}

// Calls row(cells, line number) for each data line of a 7-column CSV text (the header skipped).
template <class Row>
void for_each_row(const std::string& text, const std::string& source, Row row) {
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const auto c = csv_cells(line, 7, source, number);
    if (!c.empty()) row(c, number);
  }
}

std::string terminal(const std::string& format) {
  // noenhanced: key names such as data.norm_u must not turn into subscripts.
  if (format == "svg") return "set terminal svg size 800,600 dynamic noenhanced font 'Helvetica,16' linewidth 1.5";
  return "set terminal pngcairo size 1200,900 noenhanced font 'Helvetica,22' linewidth 2";
}

// Writes `body` once per format with the right terminal and output; returns the figures.
std::vector<std::string> render(const fs::path& dir, const std::string& name, const std::string& body,
                                const std::vector<std::string>& formats) {
  std::vector<std::string> files;
  for (const auto& f : formats) {
    const fs::path out = dir / (name + "." + f);
    const fs::path script = dir / (name + "." + f + ".gp");
    std::ofstream(script) << terminal(f) << "\nset output " << quoted(out.string()) << "\n" << body << "\nunset output\n";
    run_gnuplot(script);
    fs::remove(script);
    files.push_back(out.string());
  }
  return files;
}

// Compares text with embedded numbers by value: "n = 63" < "n = 200".
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i])) != 0, db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (da && db) {
      std::size_t ni = 0, nj = 0;
      const double x = std::stod(a.substr(i), &ni), y = std::stod(b.substr(j), &nj);
      if (x != y) return x < y;
      i += ni;
      j += nj;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

double number(const nlohmann::json& j) { return j.is_number() ? j.get<double>() : std::nan(""); }

std::vector<std::string> plot_ntg(const std::vector<Run>& runs, const std::string& x, const fs::path& dir,
                                  const std::vector<std::string>& formats) {
  const std::vector<std::string> xs = values_of(runs, x);
  // Series: the other axes' values.
  std::map<std::string, std::map<std::string, std::vector<double>>> series;  // series → x → NTG values
  for (const Run& r : runs) {
    if (!r.done) continue;
    std::string name;
    for (const auto& [k, v] : r.point.items())
      if (k != x) name += (name.empty() ? "" : ", ") + k + " = " + label(v.dump());
    series[name][r.point.contains(x) ? r.point[x].dump() : "-"].push_back(number(r.record["ntg"]));
  }
  // Series in natural order ("n = 20" before "n = 63" before "n = 200").
  std::vector<std::string> names;
  for (const auto& [name, by_x] : series) names.push_back(name);
  std::sort(names.begin(), names.end(), natural_less);
  std::ofstream data(dir / "ntg.dat");
  for (const auto& name : names) {
    const auto& by_x = series.at(name);
    data << quoted(name.empty() ? "NTG" : name) << "\n";
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const auto it = by_x.find(xs[i]);
      if (it == by_x.end()) continue;
      const auto s = experiment::summarize(it->second);
      const double lo = std::isfinite(s.ci_low) ? s.ci_low : s.mean, hi = std::isfinite(s.ci_high) ? s.ci_high : s.mean;
      data << fmt::format("{} {} {} {} {}\n", i, label(xs[i]), s.mean, lo, hi);
    }
    data << "\n\n";
  }
  data.close();
  std::string tics = "set xtics (";
  for (std::size_t i = 0; i < xs.size(); ++i) tics += fmt::format("{}{} {}", i ? ", " : "", quoted(label(xs[i])), i);
  tics += ")";
  const std::string body = fmt::format(R"gp(set title "NTG against {0}: mean and 95% CI over seeds"
set xlabel {1}
set ylabel "NTG = err(transfer) - err(scratch)"
{2}
set xrange [-0.5:{3}-0.5]
set grid
{6}
set arrow from graph 0, first 0 to graph 1, first 0 nohead dt 2 lc rgb "gray40"
plot for [i=0:{4}] {5} index i using 1:3:4:5 with yerrorlines pt 7 ps 1.2 title columnheader(1)
)gp",
                                       x, quoted(x), tics, xs.size(), series.size() - 1, quoted((dir / "ntg.dat").string()),
                                       series.size() > 1 ? "set key bottom left box opaque" : "set key off");
  return render(dir, "ntg", body, formats);
}

std::vector<std::string> plot_phase(const std::vector<Run>& runs, const std::string& x, const std::string& y,
                                    const fs::path& dir, const std::vector<std::string>& formats) {
  const std::vector<std::string> xs = values_of(runs, x), ys = values_of(runs, y);
  std::map<std::pair<std::string, std::string>, std::vector<double>> cells;
  for (const Run& r : runs)
    if (r.done && r.point.contains(x) && r.point.contains(y))
      cells[{r.point[x].dump(), r.point[y].dump()}].push_back(number(r.record["ntg"]));
  double extent = 1e-3, lowest = INFINITY, highest = -INFINITY;
  std::ofstream data(dir / "phase.dat");
  for (std::size_t j = 0; j < ys.size(); ++j) {
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const auto it = cells.find({xs[i], ys[j]});
      const double mean = it == cells.end() ? std::nan("") : experiment::summarize(it->second).mean;
      if (std::isfinite(mean)) {
        extent = std::max(extent, std::abs(mean));
        lowest = std::min(lowest, mean);
        highest = std::max(highest, mean);
      }
      data << fmt::format("{} {} {}\n", i, j, std::isfinite(mean) ? fmt::format("{}", mean) : "NaN");
    }
    data << "\n";
  }
  data.close();
  const auto tics = [](const char* axis, const std::vector<std::string>& v) {
    std::string t = fmt::format("set {}tics (", axis);
    for (std::size_t i = 0; i < v.size(); ++i) t += fmt::format("{}{} {}", i ? ", " : "", quoted(label(v[i])), i);
    return t + ")";
  };
  const std::string contour = (dir / "phase_contour.dat").string();
  // The NTG = 0 line exists only where NTG changes sign (or touches 0) on the grid.
  const bool crossing = lowest <= 0.0 && highest >= 0.0;
  const std::string body = fmt::format(R"gp(set table {0}
set contour base
set cntrparam levels discrete 0
unset surface
set view map
splot {1} using 1:2:3 with lines
unset table
unset contour
set surface
set title "NTG, mean over seeds{11}"
set xlabel {4}
set ylabel {5}
{6}
{7}
set xrange [-0.5:{8}-0.5]
set yrange [-0.5:{9}-0.5]
set cbrange [-{10}:{10}]
set cblabel "NTG (< 0: transfer helps)"
set palette defined (-1 "#2166ac", 0 "#f7f7f7", 1 "#b2182b")
set key off
plot {1} using 1:2:3 with image pixels{12}
)gp",
                                       quoted(contour), quoted((dir / "phase.dat").string()), x, y, quoted(x), quoted(y),
                                       tics("x", xs), tics("y", ys), xs.size(), ys.size(), extent,
                                       crossing ? " (black line: NTG = 0)" : " (NTG never crosses 0 here)",
                                       crossing ? fmt::format(", {} using 1:2 with lines lw 3 lc rgb \"black\"", quoted(contour))
                                                : std::string());
  auto files = render(dir, "phase", body, formats);
  fs::remove(contour);
  return files;
}

std::vector<std::string> plot_curves(const std::vector<Run>& runs, const fs::path& dir,
                                     const std::vector<std::string>& formats) {
  // Group runs by point; average test_error_true per (phase, step) over seeds.
  std::vector<std::string> keys;
  std::map<std::string, std::map<std::string, std::map<int, std::vector<double>>>> curves;  // point → phase → step
  for (const Run& r : runs) {
    const std::string key = r.point.dump();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    for_each_row(r.curves, r.source, [&](const std::vector<std::string>& c, int number) {
      const int step = csv_step(c[2], r.source, number);
      const double error = csv_number(c[6], r.source, number, "test_error_true");
      if (std::isfinite(error)) curves[key][c[1]][step].push_back(error);
    });
  }
  if (curves.empty()) throw core::InputError("plot --kind curves: no learning-curve points; expected finished runs");
  if (keys.size() > 50) keys.resize(50);
  // Deep runs record one point per epoch, theory runs one per GD step.
  const bool deep = !runs.empty() && runs.front().record.is_object() && runs.front().record.value("kind", "") == "deep";
  prepare_dir(dir);
  std::vector<std::string> files;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const fs::path data_path = dir / fmt::format("curves-{}.dat", k);
    std::ofstream data(data_path);
    for (const char* phase : {"transfer", "scratch"}) {
      data << phase << "\n";
      for (const auto& [step, values] : curves[keys[k]][phase]) {
        const auto s = experiment::summarize(values);
        const double sd = std::isfinite(s.std) ? s.std : 0.0;
        data << fmt::format("{} {} {} {}\n", step, s.mean, s.mean - sd, s.mean + sd);
      }
      data << "\n\n";
    }
    data.close();
    std::string title;
    const ordered_json point = ordered_json::parse(keys[k]);
    for (const auto& [a, v] : point.items()) title += (title.empty() ? "" : ", ") + a + " = " + label(v.dump());
    const std::string body = fmt::format(R"gp(set title {0}
set xlabel {2}
set ylabel "test error (true labels)"
set grid
set key top right
set style fill transparent solid 0.25 noborder
plot {1} index 0 using 1:3:4 with filledcurves lc rgb "#1b7837" notitle, \
     {1} index 0 using 1:2 with lines lw 2 lc rgb "#1b7837" title "transfer (mean, ±1 std band)", \
     {1} index 1 using 1:3:4 with filledcurves lc rgb "#762a83" notitle, \
     {1} index 1 using 1:2 with lines lw 2 lc rgb "#762a83" title "scratch"
)gp",
                                         quoted("learning curves: " + (title.empty() ? std::string("all runs") : title)),
                                         quoted(data_path.string()),
                                         quoted(deep ? "epoch (downstream)" : "GD step (downstream)"));
    for (auto& f : render(dir, fmt::format("curves-{}", k), body, formats)) files.push_back(std::move(f));
  }
  return files;
}

std::string point_title(const std::string& key) {
  std::string title;
  const ordered_json point = ordered_json::parse(key);
  for (const auto& [a, v] : point.items()) title += (title.empty() ? "" : ", ") + a + " = " + label(v.dump());
  return title.empty() ? std::string("all runs") : title;
}

std::vector<std::string> plot_dynamics(const std::vector<Run>& runs, const fs::path& dir,
                                       const std::vector<std::string>& formats) {
  // point → "phase/group/quantity" → step → seed means; rows from dynamics/trajectory.hpp's CSV.
  std::vector<std::string> keys;
  std::map<std::string, std::map<std::string, std::map<int, std::vector<double>>>> series;
  std::vector<std::string> gammas;
  for (const Run& r : runs) {
    const std::string key = r.point.dump();
    for_each_row(r.dynamics, r.source, [&](const std::vector<std::string>& c, int number) {
      const int step = csv_step(c[2], r.source, number);
      const double mean = csv_number(c[5], r.source, number, "mean");
      csv_number(c[6], r.source, number, "extreme");
      if (!std::isfinite(mean)) return;
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
      if (c[4].rfind("gamma", 0) == 0 && std::find(gammas.begin(), gammas.end(), c[4]) == gammas.end())
        gammas.push_back(c[4]);
      series[key][c[1] + "/" + c[3] + "/" + c[4]][step].push_back(mean);
    });
  }
  if (keys.empty())
    throw core::InputError(runs.front().record.is_object() && runs.front().record.value("kind", "") == "deep"
                               ? "plot --kind dynamics: deep runs have no γ/ρ records (the decomposition is of the "
                                 "theory model); expected --kind ntg, phase or curves"
                               : "plot --kind dynamics: no γ/ρ records; expected runs with dynamics.every > 0");
  if (keys.size() > 50) keys.resize(50);
  prepare_dir(dir);
  // Lines: (phase/group, label, colour); quantities per panel.
  const std::vector<std::array<std::string, 3>> downstream = {
      {"transfer/inherited", "transfer: inherited", "#1b7837"},
      {"transfer/fresh", "transfer: fresh", "#a6dba0"},
      {"scratch/all", "scratch", "#762a83"}};
  std::vector<std::string> files;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    auto& s = series[keys[k]];
    const fs::path data_path = dir / fmt::format("dynamics-{}.dat", k);
    std::ofstream data(data_path);
    std::map<std::string, int> block;  // series name → gnuplot index
    for (const auto& [name, steps] : s) {
      block[name] = static_cast<int>(block.size());
      data << "# " << name << "\n";
      for (const auto& [step, values] : steps) data << step << " " << experiment::summarize(values).mean << "\n";
      data << "\n\n";
    }
    data.close();
    const std::string file = quoted(data_path.string());
    // One plot command over the series that exist (a phase without transfer has no inherited group).
    const auto plot_lines = [&](const std::vector<std::array<std::string, 4>>& lines) {
      std::string cmd;
      for (const auto& [name, title, colour, dash] : lines) {
        if (!block.count(name)) continue;
        cmd += fmt::format("{}{} index {} using 1:2 with lines lw 2 dt {} lc rgb \"{}\" title {}", cmd.empty() ? "plot " : ", \\\n     ",
                           file, block[name], dash, colour, quoted(title));
      }
      return cmd.empty() ? std::string("set multiplot next") : cmd;  // an empty panel stays blank
    };
    std::vector<std::array<std::string, 4>> up, gamma_down, rho_down, proxy_down;
    for (std::size_t g = 0; g < gammas.size(); ++g) {
      const std::string dash = g == 0 ? "1" : "2";
      up.push_back({"upstream/all/" + gammas[g], "signal " + gammas[g], "#2166ac", dash});
      for (const auto& [pg, title, colour] : downstream)
        gamma_down.push_back({pg + "/" + gammas[g], title + (gammas.size() > 1 ? " (" + gammas[g] + ")" : ""), colour, dash});
    }
    up.push_back({"upstream/all/rho_bar", "noise rho_bar", "#b2182b", "1"});
    for (const auto& [pg, title, colour] : downstream) {
      rho_down.push_back({pg + "/rho_bar", title, colour, "1"});
      proxy_down.push_back({pg + "/proxy_u", title, colour, "1"});
    }
    const std::string body = fmt::format(R"gp(set multiplot layout 2,2 title {0} font ",16"
set grid
set key bottom right font ",12" samplen 2
set tics font ",13"
set xlabel font ",13"
set title font ",14"
set xlabel "GD step (upstream)"
set title "upstream: mean j*gamma, mean rho_bar"
{1}
set xlabel "GD step (downstream)"
set title "downstream: mean j*gamma"
{2}
set title "downstream: mean rho_bar"
{3}
set title "downstream: mean j*<w,u>"
set key center right
{4}
unset multiplot
)gp",
                                         quoted("gamma/rho dynamics: " + point_title(keys[k])), plot_lines(up),
                                         plot_lines(gamma_down), plot_lines(rho_down), plot_lines(proxy_down));
    for (auto& f : render(dir, fmt::format("dynamics-{}", k), body, formats)) files.push_back(std::move(f));
  }
  return files;
}

std::string read_text_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::vector<std::string> plot_run_dir(const std::string& run_dir, const PlotOptions& options) {
  if (options.kind != "curves" && options.kind != "dynamics")
    throw core::InputError(fmt::format("plot --kind {} of an output directory: expected curves or dynamics (ntg and "
                                       "phase need a study written by ptlab sweep)", options.kind));
  for (const auto& f : options.formats)
    if (f != "png" && f != "svg") throw core::InputError(fmt::format("plot --format {}: expected png or svg", f));
  const fs::path dir(run_dir);
  const fs::path needed = dir / (options.kind == "curves" ? "curves.csv" : "dynamics.csv");
  if (!fs::is_regular_file(needed))
    throw core::InputError(fmt::format("{}: {}; expected an output directory of ptlab run{}", needed.string(),
                                       fs::exists(needed) ? "not a regular file" : "missing",
                                       options.kind == "dynamics" ? " with dynamics.every > 0" : ""));
  Run run{ordered_json::object(), nlohmann::json::object(), "", true, "", needed.string()};
  (options.kind == "curves" ? run.curves : run.dynamics) = read_text_file(needed);
  if (options.kind == "curves") return plot_curves({run}, options.out_dir, options.formats);
  return plot_dynamics({run}, options.out_dir, options.formats);
}

std::vector<std::string> plot_study(const store::Study& study, const PlotOptions& options) {
  if (options.kind != "ntg" && options.kind != "phase" && options.kind != "curves" && options.kind != "dynamics")
    throw core::InputError(fmt::format("plot --kind {}: expected one of curves, dynamics, ntg, phase", options.kind));
  for (const auto& f : options.formats)
    if (f != "png" && f != "svg") throw core::InputError(fmt::format("plot --format {}: expected png or svg", f));
  const std::vector<Run> runs = load(study);
  const std::vector<std::string> axes = axes_of(runs);
  const auto pick = [&](const std::string& given, std::size_t index, const char* flag) {
    const std::string axis = !given.empty() ? given : index < axes.size() ? axes[index] : "";
    if (axis.empty())
      throw core::InputError(fmt::format("plot --kind {}: the study has {} axis/axes; expected at least {}",
                                         options.kind, axes.size(), index + 1));
    if (std::find(axes.begin(), axes.end(), axis) == axes.end())
      throw core::InputError(fmt::format("plot {} {}: not an axis of this study; expected one of: {}", flag, axis,
                                         fmt::join(axes, ", ")));
    return axis;
  };
  // Every argument is checked before the output directory is created.
  std::string x, y;
  if (options.kind == "ntg" || options.kind == "phase") x = pick(options.x, 0, "--x");
  if (options.kind == "phase") {
    y = pick(options.y, x == axes[0] ? 1 : 0, "--y");
    if (x == y) throw core::InputError(fmt::format("plot --kind phase: --x and --y are both {}; expected two axes", x));
  }
  const fs::path dir(options.out_dir);
  if (options.kind == "curves") return plot_curves(runs, dir, options.formats);
  if (options.kind == "dynamics") return plot_dynamics(runs, dir, options.formats);
  prepare_dir(dir);
  if (options.kind == "ntg") return plot_ntg(runs, x, dir, options.formats);
  return plot_phase(runs, x, y, dir, options.formats);
}

}  // namespace ptlab::report
