#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "ptlab";
  for (const auto& a : args) command += " " + a;
  ptlab::cli::Io io{std::cout, std::cerr, isatty(STDERR_FILENO) == 1, command};
  const int code = ptlab::cli::run(args, io);
  errno = 0;
  std::cout.flush();
  if (!std::cout) {  // e.g. a full disk behind the redirection: the results were lost (an I/O error)
    std::cerr << "ptlab: I/O error: cannot write to standard output" << (errno != 0 ? ": " : "")
              << (errno != 0 ? std::strerror(errno) : "") << "\n";
    return 3;
  }
  return code;
}
