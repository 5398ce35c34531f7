#include "ptlab/store/run_dir.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"

namespace ptlab::store {
namespace fs = std::filesystem;

namespace {

const std::set<std::string> kRunFiles = {"config.toml", "summary.json", "curves.csv"};

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw core::InputError(fmt::format("{}: cannot write file", path.string()));
}

std::string csv_number(double x) { return std::isfinite(x) ? fmt::format("{}", x) : ""; }

// The absolute, normalised target ("runs/a/", "runs/./a" and "runs/a" are the same directory).
fs::path resolve(const std::string& dir) {
  fs::path p = fs::absolute(fs::path(dir)).lexically_normal();
  if (p.filename().empty() && p.has_parent_path()) p = p.parent_path();
  return p;
}

// A directory that `--force` may replace: one written by ptlab, holding only its files.
bool is_run_dir(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_directory(p, ec) || !fs::exists(p / "summary.json", ec)) return false;
  for (const auto& entry : fs::directory_iterator(p, ec))
    if (kRunFiles.count(entry.path().filename().string()) == 0) return false;
  return !ec;
}

}  // namespace

std::string curves_rows(const experiment::SeedRecord& r) {
  std::string out;
  const std::pair<const char*, const experiment::PhaseRecord*> phases[] = {
      {"upstream", &r.upstream}, {"transfer", &r.transfer}, {"scratch", &r.scratch}};
  for (const auto& [name, phase] : phases)
    for (const auto& c : phase->curve)
      out += fmt::format("{},{},{},{},{},{},{}\n", r.seed, name, c.step, csv_number(c.train_loss),
                         csv_number(c.train_error), csv_number(c.test_error), csv_number(c.test_error_true));
  return out;
}

std::string curves_csv(const experiment::ExperimentResult& result) {
  std::string out = std::string(kCurvesHeader) + "\n";
  for (const auto& r : result.records) out += curves_rows(r);
  return out;
}

void check_output_dir(const std::string& dir, bool overwrite) {
  if (dir.empty()) throw core::InputError("--out: expected a directory path, got an empty string");
  const fs::path target = resolve(dir);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec).lexically_normal();
  // Never replace the working directory or one of its ancestors (e.g. --out . --force).
  const auto [t_end, c_it] = std::mismatch(target.begin(), target.end(), cwd.begin(), cwd.end());
  if (t_end == target.end())
    throw core::InputError(fmt::format("--out {}: is the working directory or contains it; expected a new directory", dir));
  if (fs::exists(fs::symlink_status(target, ec))) {
    if (!overwrite)
      throw core::InputError(fmt::format("--out {}: already exists; expected a new directory (or --force to replace a "
                                         "previous ptlab output directory)", dir));
    if (!is_run_dir(target))
      throw core::InputError(fmt::format("--out {}: exists and is not a ptlab output directory (only config.toml, "
                                         "summary.json, curves.csv); refusing to replace it", dir));
  }
  // The nearest existing ancestor must be a writable directory; missing parents are created.
  fs::path ancestor = target.parent_path();
  while (!fs::exists(ancestor, ec) && ancestor.has_parent_path() && ancestor != ancestor.parent_path())
    ancestor = ancestor.parent_path();
  if (!fs::is_directory(ancestor, ec))
    throw core::InputError(fmt::format("--out {}: {} is not a directory", dir, ancestor.string()));
  if (access(ancestor.c_str(), W_OK) != 0)
    throw core::InputError(fmt::format("--out {}: directory {} is not writable", dir, ancestor.string()));
}

void write_run_dir(const std::string& dir, const experiment::ExperimentResult& result,
                   const Provenance& provenance, bool overwrite) {
  check_output_dir(dir, overwrite);
  const fs::path target = resolve(dir);
  const fs::path tmp = target.parent_path() / fmt::format(".{}.partial-{}", target.filename().string(), getpid());
  std::error_code ec;
  try {
    fs::create_directories(target.parent_path());
    fs::create_directory(tmp);
    write_file(tmp / "config.toml", experiment::canonical_toml(result.spec));
    write_file(tmp / "summary.json", to_json(result, provenance).dump(2) + "\n");
    write_file(tmp / "curves.csv", curves_csv(result));
    if (overwrite && fs::exists(fs::symlink_status(target))) fs::remove_all(target);
    fs::rename(tmp, target);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    throw core::InputError(fmt::format("--out {}: {}", dir, e.code().message()));
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace ptlab::store
