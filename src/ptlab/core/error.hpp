#pragma once
// ptlab's three error channels (STYLE.md §8):
//  - bad input (config, file, flag): throw ptlab::core::InputError, caught once in the CLI's main,
//    printed as one line, exit code 2;
//  - internal bugs: assert();
//  - expected numerical outcomes (divergence): a status in the run record, never an exception.
#include <stdexcept>
#include <string>

namespace ptlab::core {

/// Bad user input. what() is the whole one-line message: where, what, and what was expected,
/// e.g. "runs/a.toml: transfer.alpha = 1.5: expected a number in [0, 1]".
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace ptlab::core
