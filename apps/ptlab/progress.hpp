#pragma once
// Progress display for long commands: a redrawn bar with ETA on a terminal, a plain line about
// every 10% (and at most every 30 s) otherwise, so logs stay short.
#include <chrono>
#include <ostream>
#include <string>

namespace ptlab::cli {

class Progress {
 public:
  Progress(std::ostream& err, bool terminal, std::string what)
      : err_(err), terminal_(terminal), what_(std::move(what)), start_(std::chrono::steady_clock::now()) {}
  /// Reports `done` of `total` items finished; `detail` (e.g. the last item's result) follows
  /// the count on a terminal.
  void update(int done, int total, const std::string& detail = "");
  /// Prints one line above the bar (on a terminal; nothing otherwise, so logs stay short).
  void note(const std::string& line);

 private:
  std::ostream& err_;
  bool terminal_;
  std::string what_;
  std::chrono::steady_clock::time_point start_;
  int last_decile_ = 0;
  double last_line_s_ = 0.0;
};

}  // namespace ptlab::cli
