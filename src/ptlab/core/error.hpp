#pragma once
// ptlab's error channels (docs/design.md §7), never mixed:
//  - bad input (config, file, flag): throw InputError (or PTLAB_CHECK), caught once in the CLI,
//    printed as one line, exit code 2;
//  - the environment failed (a full disk, a failed write, an SQLite I/O error): throw IoError,
//    caught once in the CLI, printed as one line, exit code 3;
//  - internal bugs: PTLAB_ASSERT, which prints where and aborts, in every build type; an escaped
//    exception of any other type is reported by the CLI as an internal error, exit code 1;
//  - expected numerical outcomes (divergence): a status in the run record, never an exception.
// Only InputError and IoError cross the library's API; an std::invalid_argument or similar never
// signals a ptlab error.
//
// Exit codes of the `ptlab` binary: 0 success, 1 internal error, 2 bad input, 3 I/O error.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace ptlab::core {

/// Bad user input. what() is the whole one-line message: where, what, and what was expected,
/// e.g. "runs/a.toml: transfer.alpha = 1.5: expected a number in [0, 1]".
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

/// The environment refused an operation on valid input: a full disk, a failed write or rename,
/// an SQLite I/O, locking or read-only error. what() is one line naming the path and the reason
/// the OS or SQLite gave, e.g. "runs/a.db: cannot write the study store: database or disk is full".
class IoError : public std::runtime_error {
 public:
  explicit IoError(const std::string& message) : std::runtime_error(message) {}
};

namespace detail {

/// Reports a failed PTLAB_ASSERT on stderr and aborts. Out of line in spirit (cold, noreturn);
/// inline here so that core needs no source file for it.
[[noreturn]] [[gnu::cold]] inline void assert_failed(const char* file, int line, const char* condition,
                                                     const std::string& message) {
  if (message.empty())
    std::fprintf(stderr, "ptlab: internal error at %s:%d: %s\n", file, line, condition);
  else
    std::fprintf(stderr, "ptlab: internal error at %s:%d: %s: %s\n", file, line, condition, message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace detail
}  // namespace ptlab::core

/// Throws core::InputError(message) when `condition` is false. `message` is any expression that
/// converts to std::string (e.g. fmt::format(...), where the caller links fmt); it is evaluated
/// only on failure, so formatting costs nothing on the good path.
/// Example: PTLAB_CHECK(alpha >= 0 && alpha <= 1, fmt::format("{}: alpha = {}: expected [0, 1]", file, alpha));
#define PTLAB_CHECK(condition, message)                                            \
  do {                                                                             \
    if (!(condition)) [[unlikely]]                                                 \
      throw ::ptlab::core::InputError(message);                                    \
  } while (false)

/// An internal invariant: when `condition` is false, prints
/// "ptlab: internal error at FILE:LINE: CONDITION" to stderr and aborts. Unlike assert() it does
/// not depend on NDEBUG: it fires in Release builds too (a wrong result is worse than a crash).
/// Keep it out of inner loops whose cost matters; check once before the loop instead.
#define PTLAB_ASSERT(condition)                                                    \
  do {                                                                             \
    if (!(condition)) [[unlikely]]                                                 \
      ::ptlab::core::detail::assert_failed(__FILE__, __LINE__, #condition, {});    \
  } while (false)

/// PTLAB_ASSERT with an explanation appended (any expression converting to std::string; evaluated
/// only on failure).
#define PTLAB_ASSERT_MSG(condition, message)                                       \
  do {                                                                             \
    if (!(condition)) [[unlikely]]                                                 \
      ::ptlab::core::detail::assert_failed(__FILE__, __LINE__, #condition, message); \
  } while (false)

/// A branch that cannot be reached: prints "ptlab: internal error at FILE:LINE: unreachable:
/// MESSAGE" and aborts. Usable where a value must be returned (the call does not return).
#define PTLAB_FAIL(message) ::ptlab::core::detail::assert_failed(__FILE__, __LINE__, "unreachable", message)
