#pragma once
// Output directories that appear whole or not at all (docs/reliability.md): a directory is built
// in a hidden sibling ".NAME.partial-PID" and renamed into place; an existing one is swapped
// atomically (renameat2 RENAME_EXCHANGE) and removed only afterwards, so at every instant one
// whole directory is at the target. A killed writer's temporary is never read as a result and is
// removed by the next write of the same target.
#include <filesystem>
#include <functional>
#include <string>

namespace ptlab::core {

/// Most characters the temporary's name adds to the target's ("." + ".partial-PID").
inline constexpr std::size_t kPartialSuffix = 32;

struct WholeDirOptions {
  /// Hold SIGINT/SIGTERM/SIGHUP back while `fill` runs, not only while the directory is put in
  /// place (for short writes whose interruption would waste the run that produced them).
  bool defer_signals_while_filling = false;
};

/// Creates the temporary (and missing parents of `target`), calls `fill(temporary)`, then puts it
/// in place of `target`. On any failure the temporary and the parents this call created are
/// removed; a std::filesystem::filesystem_error becomes core::IoError "LABEL: cannot write the
/// output directory: PATH: REASON", other exceptions pass unchanged. `target` must be absolute
/// and its caller must have checked that it may be replaced.
void write_whole_dir(const std::filesystem::path& target, const std::string& label,
                     const std::function<void(const std::filesystem::path& temporary)>& fill,
                     const WholeDirOptions& options = {});

}  // namespace ptlab::core
