#include "progress.hpp"

#include <fmt/format.h>

namespace ptlab::cli {

std::optional<double> Progress::left(double elapsed, std::int64_t done, std::int64_t total) const {
  const auto steps_left = static_cast<double>(total - done);
  if (!units_.measured_steps) return done > 0 ? elapsed / static_cast<double>(done) * steps_left : 0.0;
  if (done >= total) return 0.0;
  const auto& [t0, done0] = *first_step_;
  if (done <= done0) return std::nullopt;  // one step seen: its start, hence its time, is unknown
  return (elapsed - t0) / static_cast<double>(done - done0) * steps_left;
}

void Progress::update(std::int64_t done, std::int64_t total, const std::string& detail) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (!first_step_) first_step_.emplace(elapsed, done);
  const std::optional<double> seconds_left = left(elapsed, done, total);
  const std::string eta = seconds_left ? fmt::format("about {:.0f} s left", *seconds_left) : "time left not known yet";
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const std::string unit = units_.name.empty() ? "done" : units_.name;
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    err_ << fmt::format("\r{} [{}{}] {}/{}{} ({:.0f}%){}, {:.0f} s elapsed, {}   ", what_,
                        std::string(static_cast<std::size_t>(filled), '#'),
                        std::string(static_cast<std::size_t>(kWidth - filled), '.'), done, total,
                        units_.name.empty() ? "" : " " + units_.name, 100 * fraction,
                        detail.empty() ? "" : ", " + detail, elapsed, eta)
         << (done == total ? "\n" : "") << std::flush;
    return;
  }
  const int decile = static_cast<int>(fraction * 10);
  if (done == total || decile > last_decile_ || elapsed - last_line_s_ >= 30.0) {
    err_ << fmt::format("{}: {}/{} {} ({:.0f}%), {:.0f} s elapsed, {}\n", what_, done, total, unit, 100 * fraction,
                        elapsed, eta);
    last_decile_ = decile;
    last_line_s_ = elapsed;
  }
}

void Progress::note(const std::string& line) {
  if (terminal_) err_ << "\r\033[K";  // clear the bar's line first
  err_ << line << "\n" << std::flush;
}

}  // namespace ptlab::cli
