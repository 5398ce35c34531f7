#include "ptlab/core/file_io.hpp"

#include "ptlab/core/signals.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ptlab/core/error.hpp"

namespace ptlab::core {

std::string read_text_file(const std::string& path, const std::string& noun, const std::string& expected,
                           std::uintmax_t max_bytes) {
  namespace fs = std::filesystem;
  if (path.empty()) throw InputError(noun + " path is empty; expected " + expected);
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path + ": is a directory; expected " + expected);
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec))
    throw InputError(path + ": is not a regular file; expected " + expected);
  if (fs::exists(path, ec) && fs::file_size(path, ec) > max_bytes)
    throw InputError(path + ": " + std::to_string(fs::file_size(path, ec)) + " bytes; expected a " + noun + " under " +
                     std::to_string(max_bytes >> 20) + " MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read " + noun + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(path + ": cannot read " + noun);
  return text.str();
}

std::string try_write_file(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return std::strerror(errno);
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = n < 0 ? std::strerror(errno) : "short write";
      ::close(fd);
      return reason;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // Some file systems (NFS, FUSE) report a full disk only when the file is closed.
  if (::close(fd) != 0) return std::strerror(errno);
  return "";
}

void write_file(const std::string& path, std::string_view text) {
  const std::string reason = try_write_file(path, text);
  if (!reason.empty()) throw IoError(path + ": cannot write: " + reason);
}

void replace_file(const std::string& path, std::string_view text) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    write_file(path, text);
    return;
  }
  const DeferSignals no_interrupts;  // the temporary is renamed into place or removed, never left
  const std::string tmp = path + ".partial-" + std::to_string(::getpid());
  std::string reason = try_write_file(tmp, text);
  if (reason.empty() && std::rename(tmp.c_str(), path.c_str()) != 0) reason = std::strerror(errno);
  if (!reason.empty()) {
    ::unlink(tmp.c_str());
    throw IoError(path + ": cannot write: " + reason);
  }
}

}  // namespace ptlab::core
