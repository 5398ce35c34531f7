#include "ptlab/store/export.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/store/record_format.hpp"
#include "ptlab/store/study_sink.hpp"

namespace ptlab::store {
namespace {

using nlohmann::json;

// Metric columns of a run row: (column, JSON pointer into the record).
const std::vector<std::pair<std::string, std::string>>& metric_columns() {
  static const std::vector<std::pair<std::string, std::string>> columns = [] {
    std::vector<std::pair<std::string, std::string>> c;
    for (const char* phase : {"upstream", "transfer", "scratch"})
      for (const char* m : {"status", "steps", "train_loss", "train_error", "test_error", "test_error_true", "wall_s"})
        c.emplace_back(fmt::format("{}_{}", phase, m), fmt::format("/{}/{}", phase, m));
    for (const char* m : {"filters_inherited", "entries_inherited", "ntg", "ntg_observed", "wall_s"})
      c.emplace_back(m, fmt::format("/{}", m));
    return c;
  }();
  return columns;
}

// The metric columns of a deep study (store/deep_study.hpp's record).
const std::vector<std::pair<std::string, std::string>>& deep_metric_columns() {
  static const std::vector<std::pair<std::string, std::string>> columns = {
      {"upstream_test_accuracy", "/upstream/test_accuracy"}, {"transfer_test_accuracy", "/transfer/test_accuracy"},
      {"scratch_test_accuracy", "/scratch/test_accuracy"},   {"gain_points", "/gain_points"},
      {"ntg", "/ntg"},                                       {"copied_fraction", "/copied_fraction"},
      {"wall_s", "/wall_s"}};
  return columns;
}

std::string cell(const json& j) {
  if (j.is_null()) return "";
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string quoted = "\"";
    for (const char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  }
  return j.dump();
}

std::vector<std::string> axis_columns(const std::vector<RunRow>& rows) {
  std::vector<std::string> axes;
  for (const auto& row : rows) {
    const auto point = nlohmann::ordered_json::parse(row.point);  // keeps the sweep's axis order
    for (const auto& [key, value] : point.items())
      if (std::find(axes.begin(), axes.end(), key) == axes.end()) axes.push_back(key);
  }
  return axes;
}

std::string axis_cells(const json& point, const std::vector<std::string>& axes) {
  std::string out;
  for (const auto& a : axes) out += "," + (point.contains(a) ? cell(point[a]) : std::string());
  return out;
}

}  // namespace

std::string export_runs_csv(const Study& study) {
  const std::vector<RunRow> rows = study.rows();
  const std::vector<std::string> axes = axis_columns(rows);
  const auto& columns = is_deep_study(study) ? deep_metric_columns() : metric_columns();
  std::string out = "run_hash,seed,status";
  for (const auto& a : axes) out += "," + cell(json(a));
  for (const auto& [column, pointer] : columns) out += "," + column;
  out += ",error\n";
  for (const RunRow& row : rows) {
    const json record = json::parse(row.record);
    out += fmt::format("{},{},{}", row.run_hash, row.seed, row.status);
    out += axis_cells(json::parse(row.point), axes);
    for (const auto& [column, pointer] : columns) {
      const json::json_pointer ptr(pointer);
      out += "," + (record.contains(ptr) ? cell(record[ptr]) : std::string());
    }
    out += "," + cell(json(row.error)) + "\n";
  }
  return out;
}

std::string export_runs_jsonl(const Study& study) {
  std::string out;
  for (const RunRow& row : study.rows()) {
    out += json{{"run_hash", row.run_hash},
                {"seed", row.seed},
                {"status", row.status},
                {"point", json::parse(row.point)},
                {"record", json::parse(row.record)},
                {"config", row.config},
                {"provenance", json::parse(row.provenance)},
                {"error", row.error}}
               .dump() +
           "\n";
  }
  return out;
}

std::string export_curves_csv(const Study& study) {
  const std::vector<RunRow> rows = study.rows();
  const std::vector<std::string> axes = axis_columns(rows);
  std::string out = "run_hash,seed";
  for (const auto& a : axes) out += "," + cell(json(a));
  out += ",phase,step,train_loss,train_error,test_error,test_error_true\n";
  for (const RunRow& row : rows) {
    const std::string prefix = row.run_hash + "," + std::to_string(row.seed) + axis_cells(json::parse(row.point), axes);
    std::istringstream lines(row.curves);
    // Stored curve rows start with the seed; replace it by the run's key and axis values.
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) out += prefix + line.substr(line.find(',')) + "\n";
  }
  return out;
}

void check_export_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw core::InputError(fmt::format("--out {}: is a directory; expected a file path", path));
  // The output replaces the file by a rename: a link would be replaced rather than written
  // through, and a SQLite file is most likely the study being exported (or another one).
  if (fs::is_symlink(fs::symlink_status(path, ec)))
    throw core::InputError(fmt::format("--out {}: is a symbolic link; expected the path of a regular file", path));
  if (fs::is_regular_file(path, ec)) {
    char magic[16] = {};
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
      const std::size_t got = std::fread(magic, 1, sizeof magic, f);
      std::fclose(f);
      if (got == sizeof magic && std::memcmp(magic, "SQLite format 3", 16) == 0)
        throw core::InputError(fmt::format("--out {}: is a SQLite database (a study store?); expected a new file or a "
                                           "previous export", path));
    }
  }
  const fs::path parent = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(parent, ec))
    throw core::InputError(fmt::format("--out {}: {} is not an existing directory", path, parent.string()));
  // Creating a file there must work now, not only after hours of work (/proc, read-only mounts,
  // permissions): try it with a hidden probe file, removed at once.
  const fs::path probe = parent / fmt::format(".ptlab-out-probe-{}", ::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw core::InputError(fmt::format("--out {}: cannot create a file in {} ({}); expected a writable directory", path,
                                       parent.string(), std::strerror(errno)));
  ::close(fd);
  ::unlink(probe.c_str());
}

void write_export(const std::string& path, const std::string& text) {
  // A path that cannot name a file is bad input; a write that then fails is an I/O error.
  check_export_path(path);
  try {
    core::replace_file(path, text);
  } catch (const core::IoError& e) {
    throw core::IoError(fmt::format("--out {}", e.what()));
  }
}

}  // namespace ptlab::store
