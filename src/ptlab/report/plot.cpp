#include "ptlab/report/plot.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <limits>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/core/signals.hpp"
#include "ptlab/experiment/stats.hpp"

namespace ptlab::report {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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

// A text file written whole on close(), with the OS's reason on failure (a full disk): the data
// behind a figure is never silently short.
class CheckedFile : public std::ostringstream {
 public:
  explicit CheckedFile(fs::path path) : path_(std::move(path)) {}
  void close() { core::write_file(path_.string(), str()); }

 private:
  fs::path path_;
};

// gnuplot can exit 0 having written a short figure (a full disk): a PNG must end with its IEND
// chunk and an SVG with its closing tag. Throws core::IoError otherwise.
void check_complete(const fs::path& figure, const std::string& format) {
  std::ifstream in(figure, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string tail = bytes.substr(bytes.size() > 64 ? bytes.size() - 64 : 0);
  const bool ok = format == "png" ? tail.find("IEND") != std::string::npos : tail.find("</svg>") != std::string::npos;
  if (!ok)
    throw core::IoError(fmt::format("plot: {}: gnuplot wrote {} bytes, not a whole {} (disk full?)", figure.string(),
                                    bytes.size(), format == "png" ? "PNG" : "SVG"));
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
    throw core::InputError(fmt::format("plot --out {}: cannot create the directory: {}", dir.string(),
                                       ec ? ec.message() : "not a directory"));
}

// Figures are drawn into a hidden folder inside the output folder and moved in only once every
// file of every figure is complete, so a full disk or a failing gnuplot leaves the output folder as
// it was (and removes it if this call created it).
std::vector<Figure> staged(const fs::path& out_dir, const std::function<std::vector<Figure>(const fs::path&)>& draw) {
  std::error_code ec;
  // Not following links: a symlink (even a dangling or looping one) is the user's, never removed.
  const bool existed = fs::exists(fs::symlink_status(out_dir, ec));
  prepare_dir(out_dir);  // an unusable --out is named as the user gave it, not as the hidden folder
  const fs::path stage = out_dir / fmt::format(".plot.partial-{}", ::getpid());
  const auto clean_up = [&] {
    fs::remove_all(stage, ec);
    if (!existed) fs::remove(out_dir, ec);  // only if still empty
  };
  try {
    std::vector<Figure> figures = draw(stage);
    const core::DeferSignals no_interrupts;  // all figures move in, or none
    const auto moved = [&](std::string& path) {
      const fs::path to = out_dir / fs::path(path).filename();
      fs::rename(path, to);
      path = to.string();
    };
    for (Figure& f : figures) {
      for (std::string& file : f.files) moved(file);
      if (!f.data.empty()) moved(f.data);
    }
    fs::remove_all(stage);
    return figures;
  } catch (const fs::filesystem_error& e) {
    clean_up();
    throw core::IoError(fmt::format("plot --out {}: {}: {}", out_dir.string(), e.path1().string(), e.code().message()));
  } catch (...) {
    clean_up();
    throw;
  }
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
  // noenhanced: key names such as data.norm_u must not turn into subscripts; symbols such as α
  // and n₁ are plain UTF-8 text.
  if (format == "svg") return "set encoding utf8\nset terminal svg size 800,600 dynamic noenhanced font 'Helvetica,16' linewidth 1.5";
  return "set encoding utf8\nset terminal pngcairo size 1200,900 noenhanced font 'Helvetica,22' linewidth 2";
}

// Writes `body` once per format with the right terminal and output; returns the figures.
std::vector<std::string> render(const fs::path& dir, const std::string& name, const std::string& body,
                                const std::vector<std::string>& formats) {
  std::vector<std::string> files;
  for (const auto& f : formats) {
    const fs::path out = dir / (name + "." + f);
    const fs::path script = dir / (name + "." + f + ".gp");
    core::write_file(script.string(), terminal(f) + "\nset output " + quoted(out.string()) + "\n" + body + "\nunset output\n");
    run_gnuplot(script);
    check_complete(out, f);
    fs::remove(script);
    files.push_back(out.string());
  }
  return files;
}

double number(const nlohmann::json& j) { return j.is_number() ? j.get<double>() : std::nan(""); }

// ---- names, symbols and axes -------------------------------------------------------------------

// File-name text: letters, digits and . _ - = + kept, anything else (spaces, slashes, quotes,
// non-ASCII) becomes '_', so that a name is one safe path component and one URL segment.
std::string sanitize(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += (std::isalnum(u) != 0 && u < 128) || c == '.' || c == '_' || c == '-' || c == '=' || c == '+' ? c : '_';
  }
  return out.empty() ? std::string("_") : out;
}

// A number for a .dat file: shortest round-trip text, "NaN" for a missing value (gnuplot's spelling).
std::string num(double x) { return std::isfinite(x) ? fmt::format("{}", x) : std::string("NaN"); }

// "transfer.alpha=0.5-upstream.n=10" for a point (JSON object text); "" for a point without axes.
std::string point_name(const std::string& point_json) {
  std::string name;
  const ordered_json point = ordered_json::parse(point_json);  // items() must not outlive it
  for (const auto& [k, v] : point.items())
    name += (name.empty() ? "" : "-") + k + "=" + label(v.dump());
  return name;
}

// Unique file names within one call (two points could sanitise to the same text).
class Names {
 public:
  explicit Names(std::string stem) : stem_(sanitize(stem)) {}
  std::string operator()(const std::string& kind, const std::string& what) {
    const std::string base = sanitize(stem_ + "-" + kind + (what.empty() ? "" : "-" + what));
    std::string name = base;
    for (int i = 2; !used_.insert(name).second; ++i) name = base + "-" + std::to_string(i);
    return name;
  }

 private:
  std::string stem_;
  std::set<std::string> used_;
};

// One axis of a figure: its distinct values and where they go on the plot.
struct Axis {
  std::string key;
  std::vector<std::string> values;  ///< JSON text, distinct; numeric order when all are numbers
  bool numeric = false;             ///< every value a number: plotted at its value
  bool log = false;                 ///< log_spaced(values): a log axis
  std::vector<double> u;            ///< plot coordinate per value: log10(v), v, or its index if not numeric

  // Data units of a plot coordinate.
  double data(double coordinate) const { return log ? std::pow(10.0, coordinate) : coordinate; }
  // The value as it goes into a .dat column: the number (shortest round-trip text, as every other
  // number there), or a quoted word.
  std::string column(std::size_t i) const { return numeric ? num(std::stod(values[i])) : quoted(label(values[i])); }
  std::string scale() const { return !numeric ? "category" : log ? "log" : "linear"; }
  // Cell bounds around value i in data units: midway (in plot coordinates) to the neighbours; the
  // outer cells as wide as their inner halves; ±0.5 for a single value.
  std::pair<double, double> cell(std::size_t i) const {
    const std::size_t n = u.size();
    const double lo = i > 0 ? (u[i - 1] + u[i]) / 2 : n > 1 ? u[0] - (u[1] - u[0]) / 2 : u[0] - 0.5;
    const double hi = i + 1 < n ? (u[i] + u[i + 1]) / 2 : n > 1 ? u[n - 1] + (u[n - 1] - u[n - 2]) / 2 : u[0] + 0.5;
    return {data(lo), data(hi)};
  }
  // gnuplot expression for the plot position of .dat column `col`; a word is looked up by the
  // function `fn` (see definition()).
  std::string using_expr(int col, const char* fn) const {
    return numeric ? fmt::format("(${})", col) : fmt::format("({}(strcol({})))", fn, col);
  }
  // gnuplot function mapping each word of a non-numeric axis to its index.
  std::string definition(const char* fn) const {
    if (numeric) return "";
    std::string body;
    for (std::size_t i = 0; i < values.size(); ++i) body += fmt::format("s eq {} ? {} : ", quoted(label(values[i])), i);
    return fmt::format("{}(s) = {}NaN\n", fn, body);
  }
  // Axis settings: log scale, range [lo:hi] in data units, tics at the values (a handful) or
  // labelled categories.
  std::string settings(const char* axis, double lo, double hi) const {
    std::string s = log ? fmt::format("set logscale {}\n", axis) : "";
    s += fmt::format("set {}range [{}:{}]\n", axis, num(lo), num(hi));
    if (!numeric || values.size() <= 12) {
      std::string tics;
      for (std::size_t i = 0; i < values.size(); ++i)
        tics += fmt::format("{}{} {}", i ? ", " : "", quoted(numeric ? column(i) : label(values[i])),
                            numeric ? values[i] : std::to_string(i));
      s += fmt::format("set {}tics ({})\n", axis, tics);
    }
    return s;
  }
  std::size_t index(const ordered_json& point) const {
    const std::string v = point.contains(key) ? point[key].dump() : "-";
    return static_cast<std::size_t>(std::find(values.begin(), values.end(), v) - values.begin());
  }
};

Axis make_axis(const std::vector<Run>& runs, const std::string& key) {
  Axis a{key, values_of(runs, key)};
  a.numeric = std::all_of(a.values.begin(), a.values.end(), [](const std::string& v) {
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    return !v.empty() && end != nullptr && *end == '\0';
  });
  std::vector<double> x;
  for (const auto& v : a.values) x.push_back(a.numeric ? std::stod(v) : 0.0);
  a.log = a.numeric && log_spaced(x);
  for (std::size_t i = 0; i < x.size(); ++i) a.u.push_back(!a.numeric ? static_cast<double>(i) : a.log ? std::log10(x[i]) : x[i]);
  return a;
}

// The done runs' finite NTG values, per point index (pairs of axis value indices).
template <class Key>
std::map<Key, std::vector<double>> ntg_by(const std::vector<Run>& runs, const std::function<Key(const ordered_json&)>& key) {
  std::map<Key, std::vector<double>> out;
  for (const Run& r : runs) {
    if (!r.done) continue;
    const double v = number(r.record.value("ntg", nlohmann::json()));  // rows are checked objects; a missing ntg is NaN
    if (std::isfinite(v)) out[key(r.point)].push_back(v);
  }
  return out;
}

// ---- ntg ---------------------------------------------------------------------------------------

Figure plot_ntg(const std::vector<Run>& runs, const Axis& x, const std::vector<Axis>& others, const fs::path& dir,
                Names& names, const std::vector<std::string>& formats) {
  // Series: one per combination of the other axes' values, in their numeric order.
  using Key = std::pair<std::vector<std::size_t>, std::size_t>;  // (other axes' indices, x index)
  const auto by = ntg_by<Key>(runs, [&](const ordered_json& p) {
    Key k{{}, x.index(p)};
    for (const Axis& o : others) k.first.push_back(o.index(p));
    return k;
  });
  std::map<std::vector<std::size_t>, std::vector<std::pair<std::size_t, experiment::Stat>>> series;
  for (const auto& [k, values] : by) series[k.first].emplace_back(k.second, experiment::summarize(values));
  if (series.empty()) throw core::InputError("plot --kind ntg: no finished run with a finite NTG (scratch-only runs have none); "
                                               "expected done transfer runs, or --kind heatmap --metric scratch.test_error");
  const std::string name = names("ntg", x.key);
  const fs::path data_path = dir / (name + ".dat");
  CheckedFile data(data_path);
  data << "# NTG against " << x.key << " (" << x.scale()
       << " axis): mean and 95% Student-t CI over the done runs of each point (NaN: fewer than 2 runs)\n"
       << "# one block per line of the figure (gnuplot index), its title on the block's first line\n"
       << "# " << x.key << " ntg_mean ntg_ci_low ntg_ci_high runs\n";
  std::vector<std::string> titles;
  for (const auto& [other, points] : series) {
    std::string title;
    for (std::size_t a = 0; a < others.size(); ++a)
      title += (title.empty() ? "" : ", ") + axis_symbol(others[a].key) + " = " +
               (other[a] < others[a].values.size() ? label(others[a].values[other[a]]) : "-");
    titles.push_back(title.empty() ? "NTG" : title);
    data << quoted(titles.back()) << "\n";
    for (const auto& [i, s] : points)
      data << fmt::format("{} {} {} {} {}\n", x.column(i), num(s.mean), num(s.ci_low), num(s.ci_high), s.n);
    data << "\n\n";
  }
  data.close();
  // x range: the values plus 5% of their span on each side (in plot coordinates).
  const double span = x.u.back() - x.u.front();
  const double pad = !x.numeric ? 0.5 : span > 0 ? 0.05 * span : 0.5;
  const std::string file = quoted(data_path.string());
  const std::string sym = axis_symbol(x.key);
  // Means as lines and points, CIs as separate bars: a point whose CI is NaN (one run) still shows.
  const std::string body = fmt::format(R"gp(set title "NTG against {0}: mean and 95% CI over seeds"
set xlabel {1}
set ylabel "NTG = err(transfer) - err(scratch)"
{2}{3}set grid
{4}
set arrow from graph 0, first 0 to graph 1, first 0 nohead dt 2 lc rgb "gray40"
plot for [i=0:{5}] {6} index i using {7}:2 with linespoints pt 7 ps 1.2 lc i+1 title columnheader(1), \
     for [i=0:{5}] {6} index i using {7}:2:3:4 with yerrorbars pt 7 ps 1.2 lc i+1 notitle
)gp",
                                       sym, quoted(axis_label(x.key)), x.definition("xi"),
                                       x.settings("x", x.data(x.u.front() - pad), x.data(x.u.back() + pad)),
                                       series.size() > 1 ? "set key bottom left box opaque" : "set key off",
                                       series.size() - 1, file, x.using_expr(1, "xi"));
  std::string caption = "NTG against " + sym + " (" + x.key + "): mean and 95% CI over seeds";
  if (!others.empty()) {
    std::vector<std::string> syms;
    for (const Axis& o : others) syms.push_back(axis_symbol(o.key));
    caption += "; one line per value of " + fmt::format("{}", fmt::join(syms, ", "));
  }
  if (x.log) caption += "; log axis";
  return {render(dir, name, body, formats), data_path.string(), caption};
}

// ---- phase -------------------------------------------------------------------------------------

struct Cell {
  experiment::Stat s;
  // +1 / −1: the 95% CI lies entirely above / below 0; 0: it contains 0, is undefined (fewer
  // than 2 runs) or the cell has no runs.
  int sign() const {
    const experiment::Verdict v = experiment::ntg_verdict(s);
    return v == experiment::Verdict::hurts ? 1 : v == experiment::Verdict::helps ? -1 : 0;
  }
};

// The NTG = 0 contour by marching squares over the grid of point centres, in plot coordinates:
// a crossing lies on an edge between two neighbouring points only if their NTG is of opposite
// sign and both CIs exclude 0, at the linear interpolation of the zero (in log10 on a log axis).
// A row or column where NTG is identically 0 (α = 0: transfer ≡ scratch) or merely noisy never
// has a crossing, so it draws no line. In a square with two crossings they are joined; with four
// (a saddle) the mean of the corners decides which pairs are joined; with one (the other end of
// the line sits next to a point of undetermined sign) nothing is drawn.
std::vector<std::array<double, 4>> zero_contour(const std::vector<std::vector<Cell>>& cells, const Axis& x, const Axis& y) {
  std::vector<std::array<double, 4>> segments;  // (x0, y0, x1, y1) in plot coordinates
  const auto crossing = [&](std::size_t i0, std::size_t j0, std::size_t i1, std::size_t j1) -> std::optional<std::array<double, 2>> {
    const Cell &a = cells[i0][j0], &b = cells[i1][j1];
    if (a.sign() * b.sign() != -1) return std::nullopt;
    const double t = a.s.mean / (a.s.mean - b.s.mean);
    return std::array<double, 2>{x.u[i0] + t * (x.u[i1] - x.u[i0]), y.u[j0] + t * (y.u[j1] - y.u[j0])};
  };
  for (std::size_t i = 0; i + 1 < x.u.size(); ++i)
    for (std::size_t j = 0; j + 1 < y.u.size(); ++j) {
      // Edges: bottom, right, top, left of the square with corners (i, j) .. (i+1, j+1).
      const std::array<std::optional<std::array<double, 2>>, 4> e = {
          crossing(i, j, i + 1, j), crossing(i + 1, j, i + 1, j + 1), crossing(i, j + 1, i + 1, j + 1), crossing(i, j, i, j + 1)};
      std::vector<int> hit;
      for (int k = 0; k < 4; ++k)
        if (e[k]) hit.push_back(k);
      const auto join = [&](int a, int b) { segments.push_back({(*e[a])[0], (*e[a])[1], (*e[b])[0], (*e[b])[1]}); };
      if (hit.size() == 2) join(hit[0], hit[1]);
      if (hit.size() == 4) {
        const double centre = (cells[i][j].s.mean + cells[i + 1][j].s.mean + cells[i + 1][j + 1].s.mean + cells[i][j + 1].s.mean) / 4;
        if ((centre > 0) == (cells[i][j].sign() > 0)) {
          join(0, 1);  // the bottom-left corner's sign joins it to the top right: cut off the other two
          join(2, 3);
        } else {
          join(0, 3);
          join(1, 2);
        }
      }
    }
  return segments;
}

Figure plot_phase(const std::vector<Run>& runs, const Axis& x, const Axis& y, const fs::path& dir, Names& names,
                  const std::vector<std::string>& formats) {
  using Key = std::pair<std::size_t, std::size_t>;
  const auto by = ntg_by<Key>(runs, [&](const ordered_json& p) { return Key{x.index(p), y.index(p)}; });
  if (by.empty())
    throw core::InputError("plot --kind phase: no finished run with a finite NTG (scratch-only runs have none); "
                           "expected done transfer runs, or --kind heatmap --metric scratch.test_error");
  std::vector<std::vector<Cell>> cells(x.values.size(), std::vector<Cell>(y.values.size(), Cell{experiment::summarize({})}));
  double extent = 1e-3;
  bool undetermined = false;
  for (const auto& [k, values] : by)
    if (k.first < x.values.size() && k.second < y.values.size()) {
      Cell& c = cells[k.first][k.second];
      c.s = experiment::summarize(values);
      extent = std::max(extent, std::abs(c.s.mean));
    }
  const std::string name = names("phase", x.key + "-" + y.key);
  const fs::path data_path = dir / (name + ".dat");
  CheckedFile data(data_path);
  data << "# NTG over " << x.key << " (x, " << x.scale() << " axis) and " << y.key << " (y, " << y.scale()
       << " axis): mean and 95% Student-t CI over the done runs of each point (NaN: fewer than 2 runs)\n"
       << "# significant: 1 if the CI excludes 0; the cell spans x_low..x_high, y_low..y_high\n"
       << "# " << x.key << " " << y.key << " ntg_mean ntg_ci_low ntg_ci_high runs significant x_low x_high y_low y_high\n";
  for (std::size_t j = 0; j < y.values.size(); ++j) {
    for (std::size_t i = 0; i < x.values.size(); ++i) {
      const Cell& c = cells[i][j];
      if (c.s.n > 0 && c.sign() == 0) undetermined = true;
      const auto [xl, xh] = x.cell(i);
      const auto [yl, yh] = y.cell(j);
      data << fmt::format("{} {} {} {} {} {} {} {} {} {} {}\n", x.column(i), y.column(j), num(c.s.mean), num(c.s.ci_low),
                          num(c.s.ci_high), c.s.n, c.sign() != 0 ? 1 : 0, num(xl), num(xh), num(yl), num(yh));
    }
    data << "\n";
  }
  const auto contour = zero_contour(cells, x, y);
  data << "\n# NTG = 0 contour (gnuplot index 1): segments between neighbouring points of opposite sign whose CIs "
          "exclude 0\n# " << x.key << " " << y.key << "\n";
  for (const auto& s : contour)
    data << fmt::format("{} {}\n{} {}\n\n", num(x.data(s[0])), num(y.data(s[1])), num(x.data(s[2])), num(y.data(s[3])));
  data.close();
  const std::string file = quoted(data_path.string());
  const std::string px = x.using_expr(1, "xi"), py = y.using_expr(2, "yi");
  // Numeric axes take the cell bounds written in the .dat; category axes are one unit per word.
  const auto lo_hi = [](const Axis& a, const std::string& p, int col) {
    return a.numeric ? fmt::format("{}:{}", col, col + 1) : fmt::format("({0} - 0.5):({0} + 0.5)", p);
  };
  std::string plot = fmt::format("plot {} index 0 using {}:{}:{}:{}:3 with boxxyerror fs solid 1.0 noborder lc palette notitle",
                                 file, px, py, lo_hi(x, px, 8), lo_hi(y, py, 10));
  if (undetermined)
    plot += fmt::format(", \\\n     {} index 0 using {}:(column(7) == 0 && column(6) > 0 ? {} : NaN) with points pt 6 ps 2.5 "
                        "lw 2 lc rgb \"black\" title \"circle: 95% CI of NTG contains 0\"",
                        file, px, py);
  // The contour block holds plot positions in data units (a category axis: the word's index).
  if (!contour.empty())
    plot += fmt::format(", \\\n     {} index 1 using 1:2 with lines lw 3 lc rgb \"black\" title \"NTG = 0\"", file);
  const std::string body = fmt::format(R"gp(set title "NTG, mean over seeds{0}"
set xlabel {1}
set ylabel {2}
{3}{4}{5}{6}set cbrange [-{7}:{7}]
set cblabel "NTG (< 0: transfer helps)"
set palette defined (-1 "#2166ac", 0 "#f7f7f7", 1 "#b2182b")
{8}
{9}
)gp",
                                       contour.empty() ? ": no significant NTG = 0 crossing" : "; black line: NTG = 0",
                                       quoted(axis_label(x.key)), quoted(axis_label(y.key)), x.definition("xi"),
                                       y.definition("yi"), x.settings("x", x.cell(0).first, x.cell(x.values.size() - 1).second),
                                       y.settings("y", y.cell(0).first, y.cell(y.values.size() - 1).second), num(extent),
                                       undetermined || !contour.empty() ? "set key below samplen 1 height 1.5" : "set key off", plot);
  std::string caption = "Phase diagram: mean NTG over " + axis_symbol(x.key) + " (" + x.key + ") and " + axis_symbol(y.key) +
                        " (" + y.key + "), blue where transfer helps, red where it hurts";
  caption += contour.empty() ? "; no neighbouring points of significantly opposite sign, so no NTG = 0 line"
                             : "; black line: NTG = 0, drawn only between neighbouring points of opposite sign whose 95% CIs exclude 0";
  if (undetermined) caption += "; circles: the 95% CI of NTG contains 0";
  return {render(dir, name, body, formats), data_path.string(), caption};
}

// ---- heatmap -----------------------------------------------------------------------------------

// A record's metric "PHASE.FIELD" (e.g. scratch.test_error) or "ntg"; NaN when absent or null.
double metric_of(const ordered_json& record, const std::string& metric) {
  const auto dot = metric.find('.');
  if (dot == std::string::npos) return number(record.value(metric, nlohmann::json()));
  const auto phase = record.find(metric.substr(0, dot));
  if (phase == record.end() || !phase->is_object()) return kNaN;
  return number(phase->value(metric.substr(dot + 1), nlohmann::json()));
}

Figure plot_heatmap(const std::vector<Run>& runs, const Axis& x, const Axis& y, const std::string& metric,
                    const fs::path& dir, Names& names, const std::vector<std::string>& formats) {
  std::vector<std::vector<std::vector<double>>> values(x.values.size(), std::vector<std::vector<double>>(y.values.size()));
  for (const Run& r : runs) {
    if (!r.done) continue;
    const double v = metric_of(r.record, metric);
    const std::size_t i = x.index(r.point), j = y.index(r.point);
    if (std::isfinite(v) && i < x.values.size() && j < y.values.size()) values[i][j].push_back(v);
  }
  double top = 0.0;
  bool any = false;
  for (const auto& col : values)
    for (const auto& cell : col)
      if (!cell.empty()) {
        any = true;
        top = std::max(top, experiment::summarize(cell).mean);
      }
  if (!any)
    throw core::InputError(fmt::format("plot --kind heatmap: no finished run with a finite {}; expected done runs and "
                                       "a metric such as scratch.test_error", metric));
  const std::string name = names("heatmap", metric + "-" + x.key + "-" + y.key);
  const fs::path data_path = dir / (name + ".dat");
  CheckedFile data(data_path);
  data << "# " << metric << " over " << x.key << " (x, " << x.scale() << " axis) and " << y.key << " (y, " << y.scale()
       << " axis): mean over the done runs of each point (NaN: none); the cell spans x_low..x_high, y_low..y_high\n"
       << "# " << x.key << " " << y.key << " mean runs x_low x_high y_low y_high\n";
  for (std::size_t j = 0; j < y.values.size(); ++j) {
    for (std::size_t i = 0; i < x.values.size(); ++i) {
      const auto& cell = values[i][j];
      const auto [xl, xh] = x.cell(i);
      const auto [yl, yh] = y.cell(j);
      data << fmt::format("{} {} {} {} {} {} {} {}\n", x.column(i), y.column(j),
                          num(cell.empty() ? kNaN : experiment::summarize(cell).mean), cell.size(), num(xl), num(xh),
                          num(yl), num(yh));
    }
    data << "\n";
  }
  data.close();
  const std::string file = quoted(data_path.string());
  const std::string px = x.using_expr(1, "xi"), py = y.using_expr(2, "yi");
  const auto lo_hi = [](const Axis& a, const std::string& p, int col) {
    return a.numeric ? fmt::format("{}:{}", col, col + 1) : fmt::format("({0} - 0.5):({0} + 0.5)", p);
  };
  const std::string plot = fmt::format("plot {} using {}:{}:{}:{}:3 with boxxyerror fs solid 1.0 noborder lc palette notitle",
                                       file, px, py, lo_hi(x, px, 5), lo_hi(y, py, 7));
  const std::string body = fmt::format(R"gp(set title "{0}, mean over seeds"
set xlabel {1}
set ylabel {2}
{3}{4}{5}{6}set cbrange [0:{7}]
set cblabel "{0}"
set palette defined (0 "#ffffd9", 0.5 "#41b6c4", 1 "#081d58")
set key off
{8}
)gp",
                                       metric, quoted(axis_label(x.key)), quoted(axis_label(y.key)), x.definition("xi"),
                                       y.definition("yi"), x.settings("x", x.cell(0).first, x.cell(x.values.size() - 1).second),
                                       y.settings("y", y.cell(0).first, y.cell(y.values.size() - 1).second),
                                       num(std::max(top, 1e-3)), plot);
  const std::string caption = "Heatmap of " + metric + " (mean over seeds) over " + axis_symbol(x.key) + " (" + x.key +
                              ") and " + axis_symbol(y.key) + " (" + y.key + ")";
  return {render(dir, name, body, formats), data_path.string(), caption};
}

// ---- curves ------------------------------------------------------------------------------------

std::vector<Figure> plot_curves(const std::vector<Run>& runs, const fs::path& dir, Names& names,
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
  const std::string step_word = deep ? "epoch" : "step";
  prepare_dir(dir);
  std::vector<Figure> figures;
  for (const auto& key : keys) {
    const std::string name = names("curves", point_name(key));
    const std::string where = point_caption(key);
    const fs::path data_path = dir / (name + ".dat");
    CheckedFile data(data_path);
    data << "# test error (true labels) against " << (deep ? "epoch" : "GD step")
         << ", mean and ±1 std over seeds (std NaN: one run) at " << where << "\n"
         << "# one block per model (gnuplot index 0: transfer, 1: scratch), its name on the block's first line\n"
         << "# " << step_word << " mean mean_minus_std mean_plus_std runs\n";
    for (const char* phase : {"transfer", "scratch"}) {
      data << "# " << phase << "\n";
      for (const auto& [step, values] : curves[key][phase]) {
        const auto s = experiment::summarize(values);
        data << fmt::format("{} {} {} {} {}\n", step, num(s.mean), num(s.mean - s.std), num(s.mean + s.std), s.n);
      }
      data << "\n\n";
    }
    data.close();
    // A point of one run has no std: its band is left out (NaN), the mean line still shows.
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
                                         quoted("learning curves: " + where), quoted(data_path.string()),
                                         quoted(deep ? "epoch (downstream)" : "GD step (downstream)"));
    figures.push_back({render(dir, name, body, formats), data_path.string(),
                       "Learning curves at " + where +
                           ": downstream test error (true labels), transfer vs scratch, mean ± 1 std over seeds"});
  }
  return figures;
}

// ---- dynamics ----------------------------------------------------------------------------------

std::vector<Figure> plot_dynamics(const std::vector<Run>& runs, const fs::path& dir, Names& names,
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
  std::vector<Figure> figures;
  for (const auto& key : keys) {
    auto& s = series[key];
    const std::string name = names("dynamics", point_name(key));
    const std::string where = point_caption(key);
    const fs::path data_path = dir / (name + ".dat");
    CheckedFile data(data_path);
    data << "# γ/ρ summaries (dynamics/trajectory.hpp) against GD step, mean over seeds at " << where << "\n"
         << "# one block per series phase/group/quantity (gnuplot index), named on the block's first line\n"
         << "# step mean\n";
    std::map<std::string, int> block;  // series name → gnuplot index
    for (const auto& [series_name, steps] : s) {
      block[series_name] = static_cast<int>(block.size());
      data << "# " << series_name << "\n";
      for (const auto& [step, values] : steps) data << step << " " << num(experiment::summarize(values).mean) << "\n";
      data << "\n\n";
    }
    data.close();
    const std::string file = quoted(data_path.string());
    // One plot command over the series that exist (a phase without transfer has no inherited group).
    const auto plot_lines = [&](const std::vector<std::array<std::string, 4>>& lines) {
      std::string cmd;
      for (const auto& [line, title, colour, dash] : lines) {
        if (!block.count(line)) continue;
        cmd += fmt::format("{}{} index {} using 1:2 with lines lw 2 dt {} lc rgb \"{}\" title {}", cmd.empty() ? "plot " : ", \\\n     ",
                           file, block[line], dash, colour, quoted(title));
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
                                         quoted("gamma/rho dynamics: " + where), plot_lines(up),
                                         plot_lines(gamma_down), plot_lines(rho_down), plot_lines(proxy_down));
    figures.push_back({render(dir, name, body, formats), data_path.string(),
                       "Signal learning (γ) and noise memorisation (ρ) at " + where +
                           ", mean over seeds; inherited and fresh filters apart"});
  }
  return figures;
}

std::string read_text_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string axis_symbol(const std::string& key) {
  // The symbols of the key comments in experiment/config.cpp (docs/design.md §2), subscripts as
  // Unicode digits; σ_p,k keeps an underscore as there is no subscript comma.
  static const std::map<std::string, std::string> symbols = [] {
    std::map<std::string, std::string> m = {
        {"data.d", "d"},          {"data.norm_u", "‖u‖"},     {"data.theta", "θ"},
        {"model.m", "m"},         {"model.sigma_0", "σ₀"},    {"model.leaky_slope", "κ"},
        {"model.q", "q"},         {"transfer.alpha", "α"},    {"transfer.tau", "τ"},
        {"transfer.k", "k"}};  // the deep AnB setting: blocks inherited
    for (const auto& [section, k] : {std::pair<std::string, std::string>{"upstream", "1"}, {"downstream", "2"}}) {
      const std::string sub = k == "1" ? "₁" : "₂";
      m[section + ".n"] = "n" + sub;
      m[section + ".norm_v"] = "‖v" + sub + "‖";
      m[section + ".sigma_p"] = "σ_p," + k;
      m[section + ".p"] = "p" + sub;
      m[section + ".steps"] = "T" + sub;
      m[section + ".eta"] = "η" + sub;
      m[section + ".eps"] = "ε" + sub;
      m[section + ".weight_decay"] = "λ" + sub;
    }
    return m;
  }();
  const auto it = symbols.find(key);
  return it == symbols.end() ? key : it->second;
}

std::string axis_label(const std::string& key) {
  const std::string symbol = axis_symbol(key);
  return symbol == key ? key : symbol + " (" + key + ")";
}

std::string point_caption(const std::string& point_json) {
  std::string text;
  const ordered_json point = ordered_json::parse(point_json);  // items() must not outlive it
  for (const auto& [k, v] : point.items())
    text += (text.empty() ? "" : ", ") + axis_symbol(k) + " = " + label(v.dump());
  return text.empty() ? std::string("all runs") : text;
}

bool log_spaced(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  if (values.size() < 2 || !(values.front() > 0) || !std::isfinite(values.back())) return false;
  // Below a decade a log axis barely differs from a linear one and gets no labelled tics.
  if (values.back() / values.front() < 10) return false;
  // Geometric spacing = equal gaps in log terms. Allowing the smallest log gap down to half the
  // largest accepts rounded integer logspaces (32, 63, 126, 251, 501) and 1-2-5 series
  // (10, 20, 50, 100) while refusing linear grids, whose log gaps shrink steadily (0.1 .. 1.0
  // in steps of 0.1: the last log gap is a sixth of the first).
  double smallest = INFINITY, largest = 0;
  for (std::size_t i = 1; i < values.size(); ++i) {
    const double gap = std::log(values[i] / values[i - 1]);
    smallest = std::min(smallest, gap);
    largest = std::max(largest, gap);
  }
  return smallest >= 0.5 * largest;
}

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
  // Named after the directory ("runs/alpha1/" → alpha1-curves.png); "." resolves to its real name.
  fs::path named = fs::path(run_dir).lexically_normal();
  if (named.filename().empty()) named = named.parent_path();
  if (named.filename().empty() || named.filename() == "." || named.filename() == "..") {
    std::error_code ec;
    const fs::path absolute = fs::weakly_canonical(fs::absolute(dir), ec);
    named = ec ? fs::path("run") : absolute;
  }
  Names names(named.filename().empty() ? std::string("run") : named.filename().string());
  std::vector<std::string> files;
  const auto figures = staged(options.out_dir, [&](const fs::path& out) {
    return options.kind == "curves" ? plot_curves({run}, out, names, options.formats)
                                    : plot_dynamics({run}, out, names, options.formats);
  });
  for (const auto& figure : figures)
    files.insert(files.end(), figure.files.begin(), figure.files.end());
  return files;
}

std::vector<Figure> plot_study_figures(const store::Study& study, const PlotOptions& options) {
  if (options.kind != "ntg" && options.kind != "phase" && options.kind != "heatmap" && options.kind != "curves" &&
      options.kind != "dynamics")
    throw core::InputError(fmt::format("plot --kind {}: expected one of curves, dynamics, ntg, phase, heatmap", options.kind));
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
  if (options.kind == "ntg" || options.kind == "phase" || options.kind == "heatmap") x = pick(options.x, 0, "--x");
  if (options.kind == "phase" || options.kind == "heatmap") {
    y = pick(options.y, x == axes[0] ? 1 : 0, "--y");
    if (x == y) throw core::InputError(fmt::format("plot --kind {}: --x and --y are both {}; expected two axes", options.kind, x));
  }
  Names names(fs::path(study.path()).stem().string());
  if (options.kind == "curves")
    return staged(options.out_dir, [&](const fs::path& dir) { return plot_curves(runs, dir, names, options.formats); });
  if (options.kind == "dynamics")
    return staged(options.out_dir, [&](const fs::path& dir) { return plot_dynamics(runs, dir, names, options.formats); });
  const Axis ax = make_axis(runs, x);
  if (options.kind == "ntg") {
    std::vector<Axis> others;
    for (const auto& a : axes)
      if (a != x) others.push_back(make_axis(runs, a));
    return staged(options.out_dir, [&](const fs::path& dir) {
      prepare_dir(dir);
      return std::vector<Figure>{plot_ntg(runs, ax, others, dir, names, options.formats)};
    });
  }
  if (options.kind == "heatmap")
    return staged(options.out_dir, [&](const fs::path& dir) {
      prepare_dir(dir);
      return std::vector<Figure>{plot_heatmap(runs, ax, make_axis(runs, y), options.metric, dir, names, options.formats)};
    });
  return staged(options.out_dir, [&](const fs::path& dir) {
    prepare_dir(dir);
    return std::vector<Figure>{plot_phase(runs, ax, make_axis(runs, y), dir, names, options.formats)};
  });
}

std::vector<std::string> plot_study(const store::Study& study, const PlotOptions& options) {
  std::vector<std::string> files;
  for (const auto& figure : plot_study_figures(study, options))
    files.insert(files.end(), figure.files.begin(), figure.files.end());
  return files;
}

}  // namespace ptlab::report
