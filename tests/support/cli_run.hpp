#pragma once
// Test helper: `ptlab ARGS...` run in-process, with what it wrote to stdout and stderr.
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"

namespace ptlab::testing {

struct CliResult {
  int code;
  std::string out, err;
};

/// Runs the CLI with stderr as a log (not a terminal) and "ptlab (test)" as the recorded command.
inline CliResult ptlab_cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  ptlab::cli::Io io{out, err, false, "ptlab (test)"};
  const int code = ptlab::cli::run(args, io);
  return {code, out.str(), err.str()};
}

}  // namespace ptlab::testing
