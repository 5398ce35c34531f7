#pragma once
// Writing whole files with the OS's reason on failure, for the I/O error channel
// (core/error.hpp): a full disk, a failed write, close or rename is a core::IoError naming the
// path and strerror's text, never a silently short file.
#include <cstdint>
#include <string>
#include <string_view>

namespace ptlab::core {

/// Writes `text` to `path` (created or truncated). Returns "" on success, otherwise the OS's
/// reason ("No space left on device"); a short file may be left behind on failure.
std::string try_write_file(const std::string& path, std::string_view text);

/// Reads a whole regular file of at most `max_bytes`. Throws core::InputError naming the path, the
/// `noun` ("config file") and what was `expected` ("a TOML config file") for an empty path, a
/// directory, another kind of file, one too large, or one that cannot be read (the OS's reason).
std::string read_text_file(const std::string& path, const std::string& noun, const std::string& expected,
                           std::uintmax_t max_bytes);

/// try_write_file, throwing core::IoError "PATH: cannot write: REASON" on failure.
void write_file(const std::string& path, std::string_view text);

/// The whole file or nothing: writes `text` to a temporary sibling ("PATH.partial-PID") and
/// renames it onto `path`, removing the temporary on failure. A `path` that exists and is not a
/// regular file (a character device such as /dev/stdout, a FIFO) is written in place instead, as
/// renaming onto it would replace the device. Throws core::IoError "PATH: cannot write: REASON".
/// The caller checks the path itself (parent directory exists, not a directory): those are input
/// errors.
void replace_file(const std::string& path, std::string_view text);

}  // namespace ptlab::core
