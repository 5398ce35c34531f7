#include "ptlab/core/whole_dir.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "ptlab/core/error.hpp"
#include "ptlab/core/signals.hpp"

namespace ptlab::core {
namespace fs = std::filesystem;

namespace {

// The missing ancestors of `target`, outermost first (created before writing, removed on failure).
std::vector<fs::path> missing_ancestors(const fs::path& target) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path a = target.parent_path(); !fs::exists(fs::symlink_status(a, ec)) && a != a.parent_path();
       a = a.parent_path())
    missing.insert(missing.begin(), a);
  return missing;
}

// Puts `tmp` in place of `target`; where the file system cannot exchange, the old one is renamed
// aside first (never deleted before the new one is in place).
void put_in_place(const fs::path& tmp, const fs::path& target) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(target, ec))) {
    fs::rename(tmp, target);
    return;
  }
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(tmp);
    return;
  }
  const fs::path aside = fs::path(tmp.string() + ".old");
  fs::rename(target, aside);
  fs::rename(tmp, target);
  fs::remove_all(aside);
}

// Temporaries ".NAME.partial-PID" of processes that no longer run (killed by SIGKILL or a power
// cut while writing NAME).
void remove_stale_partials(const fs::path& target) {
  std::error_code ec;
  const std::string prefix = "." + target.filename().string() + ".partial-";
  for (const auto& entry : fs::directory_iterator(target.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const std::string digits = rest.substr(0, rest.find('.'));
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // its writer may still run
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

void write_whole_dir(const fs::path& target, const std::string& label, const std::function<void(const fs::path&)>& fill,
                     const WholeDirOptions& options) {
  const fs::path tmp = target.parent_path() / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()));
  const std::vector<fs::path> created = missing_ancestors(target);
  remove_stale_partials(target);
  std::optional<DeferSignals> no_interrupts;
  if (options.defer_signals_while_filling) no_interrupts.emplace();
  std::error_code ec;
  const auto clean_up = [&]() {
    fs::remove_all(tmp, ec);
    for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove(*it, ec);  // only if still empty
  };
  try {
    fs::create_directories(target.parent_path());
    fs::create_directory(tmp);
    fill(tmp);
    if (!no_interrupts) no_interrupts.emplace();
    put_in_place(tmp, target);
  } catch (const fs::filesystem_error& e) {
    clean_up();
    const std::string where = e.path1().empty() ? std::string() : e.path1().string() + ": ";
    throw IoError(label + ": cannot write the output directory: " + where + e.code().message());
  } catch (...) {
    clean_up();
    throw;
  }
}

}  // namespace ptlab::core
