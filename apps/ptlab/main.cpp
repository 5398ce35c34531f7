#include <unistd.h>

#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "ptlab";
  for (const auto& a : args) command += " " + a;
  ptlab::cli::Io io{std::cout, std::cerr, isatty(STDERR_FILENO) == 1, command};
  return ptlab::cli::run(args, io);
}
