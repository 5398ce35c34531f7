#include <unistd.h>

#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "ptlab";
  for (const auto& a : args) command += " " + a;
  ptlab::cli::Io io{std::cout, std::cerr, isatty(STDERR_FILENO) == 1, command};
  const int code = ptlab::cli::run(args, io);
  std::cout.flush();
  if (!std::cout) {  // e.g. a full disk behind the redirection: the results were lost
    std::cerr << "ptlab: cannot write to standard output\n";
    return 1;
  }
  return code;
}
