#include "ptlab/store/run_dir.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"

namespace ptlab::store {
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw core::InputError(fmt::format("{}: cannot write file", path.string()));
}

std::string csv_number(double x) { return std::isfinite(x) ? fmt::format("{}", x) : ""; }

}  // namespace

std::string curves_csv(const experiment::ExperimentResult& result) {
  std::string out = std::string(kCurvesHeader) + "\n";
  for (const auto& r : result.records) {
    const std::pair<const char*, const experiment::PhaseRecord*> phases[] = {
        {"upstream", &r.upstream}, {"transfer", &r.transfer}, {"scratch", &r.scratch}};
    for (const auto& [name, phase] : phases)
      for (const auto& c : phase->curve)
        out += fmt::format("{},{},{},{},{},{},{}\n", r.seed, name, c.step, csv_number(c.train_loss),
                           csv_number(c.train_error), csv_number(c.test_error),
                           csv_number(c.test_error_true));
  }
  return out;
}

void check_output_dir(const std::string& dir, bool overwrite) {
  const fs::path path(dir);
  std::error_code ec;
  if (fs::exists(path, ec) && !overwrite)
    throw core::InputError(fmt::format("--out {}: already exists; expected a new directory (or pass --force)", dir));
  const fs::path parent = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(parent, ec))
    throw core::InputError(fmt::format("--out {}: parent directory {} does not exist", dir, parent.string()));
  if (access(parent.c_str(), W_OK) != 0)
    throw core::InputError(fmt::format("--out {}: parent directory {} is not writable", dir, parent.string()));
}

void write_run_dir(const std::string& dir, const experiment::ExperimentResult& result,
                   const Provenance& provenance, bool overwrite) {
  check_output_dir(dir, overwrite);
  const fs::path target = fs::absolute(fs::path(dir));
  const fs::path tmp = target.parent_path() / fmt::format(".{}.partial-{}", target.filename().string(), getpid());
  std::error_code ec;
  try {
    fs::create_directory(tmp);
    write_file(tmp / "config.toml", experiment::canonical_toml(result.spec));
    write_file(tmp / "summary.json", to_json(result, provenance).dump(2) + "\n");
    write_file(tmp / "curves.csv", curves_csv(result));
    if (overwrite) fs::remove_all(target);
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
