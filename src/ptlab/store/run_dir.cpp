#include "ptlab/store/run_dir.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/core/signals.hpp"
#include "ptlab/core/whole_dir.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/store/deep_json.hpp"
#include "ptlab/store/record_format.hpp"

namespace ptlab::store {
namespace fs = std::filesystem;

namespace {

const std::set<std::string> kRunFiles = {"config.toml", "summary.json", "curves.csv"};
const std::set<std::string> kOptionalRunFiles = {"dynamics.csv", "dynamics_full.csv"};

// check_output_dir has accepted the target, so a failure from here on is the environment's.
void write_file(const std::string& dir, const fs::path& path, const std::string& text) {
  const std::string reason = core::try_write_file(path.string(), text);
  if (!reason.empty())
    throw core::IoError(fmt::format("--out {}: cannot write {}: {}", dir, path.filename().string(), reason));
}

std::string csv_number(double x) { return std::isfinite(x) ? fmt::format("{}", x) : ""; }

// The absolute target with symlinks in its existing part resolved ("runs/a/", "runs/./a" and a
// symlinked parent all name the same directory).
fs::path resolve(const std::string& dir) {
  fs::path p = fs::absolute(fs::path(dir)).lexically_normal();
  if (p.filename().empty() && p.has_parent_path()) p = p.parent_path();
  std::error_code ec;
  const fs::path parent = fs::weakly_canonical(p.parent_path(), ec);
  return ec ? p : parent / p.filename();
}

// A directory that `--force` may replace: one written by ptlab — exactly its three regular
// files (plus the optional dynamics files), with a summary.json that parses and carries ptlab's schema_version and provenance.
bool is_run_dir(const fs::path& p) {
  std::error_code ec;
  if (fs::is_symlink(p, ec) || !fs::is_directory(p, ec)) return false;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(p, ec)) {
    const std::string name = entry.path().filename().string();
    if (kOptionalRunFiles.count(name) != 0 && entry.is_regular_file(ec)) continue;
    if (kRunFiles.count(name) == 0 || !entry.is_regular_file(ec)) return false;
    ++files;
  }
  if (ec || files != static_cast<int>(kRunFiles.size())) return false;
  std::ifstream in(p / "summary.json");
  const auto summary = nlohmann::json::parse(in, nullptr, false);
  return summary.is_object() && summary.contains("schema_version") && summary.contains("provenance") &&
         summary.contains("records");
}

constexpr std::size_t kTempSuffix = core::kPartialSuffix;

// Both halves' directories: checked, then filled in a temporary and put in place whole.
void write_dir(const std::string& dir, bool overwrite, const std::function<void(const fs::path&)>& fill) {
  check_output_dir(dir, overwrite);
  core::write_whole_dir(resolve(dir), "--out " + dir, fill, {.defer_signals_while_filling = true});
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

std::string deep_curves_csv(const experiment::DeepResult& result) {
  std::string out = experiment::deep_setting_key(result.spec) + "," + kCurvesHeader + "\n";
  for (const auto& r : result.records) {
    const std::string setting = fmt::format("{},", r.setting);
    const std::string rows = deep_curves_rows(r);
    for (std::size_t begin = 0; begin < rows.size();) {
      const std::size_t end = rows.find('\n', begin) + 1;  // every row ends with '\n'
      out += setting;
      out.append(rows, begin, end - begin);
      begin = end;
    }
  }
  return out;
}

std::string dynamics_rows(const experiment::SeedRecord& r) {
  std::string out;
  dynamics::append_summary_csv(out, r.seed, "upstream", r.upstream_dynamics);
  dynamics::append_summary_csv(out, r.seed, "transfer", r.transfer_dynamics);
  dynamics::append_summary_csv(out, r.seed, "scratch", r.scratch_dynamics);
  return out;
}

std::string curves_csv(const experiment::ExperimentResult& result) {
  std::string out = std::string(kCurvesHeader) + "\n";
  for (const auto& r : result.records) out += curves_rows(r);
  return out;
}

void check_output_dir(const std::string& dir, bool overwrite) {
  if (dir.empty()) throw core::InputError("--out: expected a directory path, got an empty string");
  if (dir[0] == '-')
    throw core::InputError(fmt::format("--out {}: expected a directory path, got what looks like a flag", dir));
  const fs::path target = resolve(dir);
  std::error_code ec;
  if (target.string().size() + kTempSuffix > PATH_MAX)
    throw core::InputError(fmt::format("--out: path of {} characters; expected at most {}", target.string().size(),
                                       PATH_MAX - kTempSuffix));
  for (const auto& part : target)
    if (part.string().size() + kTempSuffix > NAME_MAX)
      throw core::InputError(fmt::format("--out {}: a path component of {} characters; expected at most {}", dir,
                                         part.string().size(), NAME_MAX - kTempSuffix));
  // Never replace the working directory or one of its ancestors (e.g. --out . --force).
  const fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
  std::error_code resolve_ec;
  const fs::path real_target = fs::weakly_canonical(target, resolve_ec);
  if (resolve_ec)  // a symlink loop on the way, say: an empty path would read as an ancestor of everything
    throw core::InputError(fmt::format("--out {}: {}; expected a path to a new directory", dir, resolve_ec.message()));
  for (const fs::path& t : {target, real_target}) {
    const auto [t_end, c_it] = std::mismatch(t.begin(), t.end(), cwd.begin(), cwd.end());
    if (t_end == t.end())
      throw core::InputError(fmt::format("--out {}: is the working directory or contains it; expected a new directory", dir));
  }
  if (fs::exists(fs::symlink_status(target, ec))) {
    if (!overwrite)
      throw core::InputError(fmt::format("--out {}: already exists; expected a new directory (or --force to replace a "
                                         "previous ptlab output directory)", dir));
    if (!is_run_dir(target))
      throw core::InputError(fmt::format("--out {}: exists and is not a ptlab output directory (exactly config.toml, "
                                         "summary.json, curves.csv); refusing to replace it", dir));
  }
  // The nearest existing ancestor must be a directory in which we can create one: probe it.
  fs::path ancestor = target.parent_path();
  while (!fs::exists(fs::symlink_status(ancestor, ec)) && ancestor != ancestor.parent_path())
    ancestor = ancestor.parent_path();
  if (fs::is_symlink(ancestor, ec) && !fs::exists(ancestor, ec))
    throw core::InputError(fmt::format("--out {}: {} is a broken symbolic link", dir, ancestor.string()));
  if (!fs::is_directory(ancestor, ec))
    throw core::InputError(fmt::format("--out {}: {} is not a directory", dir, ancestor.string()));
  const fs::path probe = ancestor / fmt::format(".ptlab-probe-{}", getpid());
  if (!fs::create_directory(probe, ec) || ec) {
    // A full or failing device is the environment's fault; anything else (read-only, no
    // permission, a pseudo file system) means the user named a place that cannot hold output.
    if (ec == std::errc::no_space_on_device || ec == std::errc::io_error)
      throw core::IoError(fmt::format("--out {}: cannot create a directory in {}: {}", dir, ancestor.string(), ec.message()));
    throw core::InputError(fmt::format("--out {}: cannot create a directory in {}: {}", dir, ancestor.string(),
                                       ec ? ec.message() : "it already exists"));
  }
  fs::remove(probe, ec);
}

void write_run_dir(const std::string& dir, const experiment::ExperimentResult& result,
                   const Provenance& provenance, bool overwrite) {
  write_dir(dir, overwrite, [&](const fs::path& tmp) {
    write_file(dir, tmp / "config.toml", experiment::canonical_toml(result.spec));
    write_file(dir, tmp / "summary.json", to_json(result, provenance).dump(2) + "\n");
    write_file(dir, tmp / "curves.csv", curves_csv(result));
    if (result.spec.dynamics.every > 0) {
      std::string rows = dynamics::summary_csv_header();
      for (const auto& r : result.records) rows += dynamics_rows(r);
      write_file(dir, tmp / "dynamics.csv", rows);
    }
    if (result.spec.dynamics.every > 0 && result.spec.dynamics.full) {
      const auto names = dynamics::signal_names(result.spec.frame.layout);
      std::string rows = dynamics::full_csv_header();
      for (const auto& r : result.records) {
        dynamics::append_full_csv(rows, r.seed, "upstream", r.upstream_dynamics, names);
        dynamics::append_full_csv(rows, r.seed, "transfer", r.transfer_dynamics, names);
        dynamics::append_full_csv(rows, r.seed, "scratch", r.scratch_dynamics, names);
      }
      write_file(dir, tmp / "dynamics_full.csv", rows);
    }
  });
}

void write_deep_run_dir(const std::string& dir, const experiment::DeepResult& result, const Provenance& provenance,
                        bool overwrite) {
  write_dir(dir, overwrite, [&](const fs::path& tmp) {
    write_file(dir, tmp / "config.toml", experiment::deep_canonical_toml(result.spec));
    write_file(dir, tmp / "summary.json", deep_to_json(result, provenance).dump(2) + "\n");
    write_file(dir, tmp / "curves.csv", deep_curves_csv(result));
  });
}

}  // namespace ptlab::store
