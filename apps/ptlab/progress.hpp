#pragma once
// Progress display for long commands: a redrawn bar with ETA on a terminal, a plain line about
// every 10% (and at most every 30 s) otherwise, so logs stay short.
#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace ptlab::cli {

/// What a progress display counts, and how its ETA is measured.
struct ProgressUnits {
  std::string name;  ///< printed after the count ("1200/3400 batches"); "" prints "done"
  /// The ETA is (time per step measured since the first step reported) × (steps left), so that a
  /// set-up before the first step (loading data, building models) does not count as step time.
  /// Off (coarse items such as whole seeds, finishing in parallel), it is elapsed / done × left.
  bool measured_steps = false;
};

class Progress {
 public:
  Progress(std::ostream& err, bool terminal, std::string what, ProgressUnits units = {})
      : err_(err), terminal_(terminal), what_(std::move(what)), units_(std::move(units)),
        start_(std::chrono::steady_clock::now()) {}
  /// Reports `done` of `total` items finished; `detail` (e.g. the last item's result) follows
  /// the count on a terminal. `total` may shrink (work found unnecessary is left out).
  void update(std::int64_t done, std::int64_t total, const std::string& detail = "");
  /// Prints one line: above the bar on a terminal, as a plain line in a log (callers pass the
  /// few lines worth keeping there, such as each finished result).
  void note(const std::string& line);

 private:
  // Seconds left, when known.
  std::optional<double> left(double elapsed, std::int64_t done, std::int64_t total) const;

  std::ostream& err_;
  bool terminal_;
  std::string what_;
  ProgressUnits units_;
  std::chrono::steady_clock::time_point start_;
  std::optional<std::pair<double, std::int64_t>> first_step_;  ///< (elapsed s, done) at the first update
  int last_decile_ = 0;
  double last_line_s_ = 0.0;
};

}  // namespace ptlab::cli
