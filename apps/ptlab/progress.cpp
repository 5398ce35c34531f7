#include "progress.hpp"

#include <fmt/format.h>

namespace ptlab::cli {

void Progress::update(int done, int total, const std::string& detail) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double left = done > 0 ? elapsed / done * (total - done) : 0.0;
  const double fraction = total > 0 ? static_cast<double>(done) / total : 1.0;
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    err_ << fmt::format("\r{} [{}{}] {}/{} ({:.0f}%){}, {:.0f} s elapsed, about {:.0f} s left   ", what_,
                        std::string(static_cast<std::size_t>(filled), '#'),
                        std::string(static_cast<std::size_t>(kWidth - filled), '.'), done, total, 100 * fraction,
                        detail.empty() ? "" : ", " + detail, elapsed, left)
         << (done == total ? "\n" : "") << std::flush;
    return;
  }
  const int decile = static_cast<int>(fraction * 10);
  if (done == total || decile > last_decile_ || elapsed - last_line_s_ >= 30.0) {
    err_ << fmt::format("{}: {}/{} done ({:.0f}%), {:.0f} s elapsed, about {:.0f} s left\n", what_, done, total,
                        100 * fraction, elapsed, left);
    last_decile_ = decile;
    last_line_s_ = elapsed;
  }
}

void Progress::note(const std::string& line) {
  if (terminal_) err_ << "\r\033[K" << line << "\n" << std::flush;  // clear the bar's line first
}

}  // namespace ptlab::cli
