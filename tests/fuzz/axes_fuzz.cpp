// Sweep axes: the input is the body of one [[sweep.axis]] table of a theory and of a deep sweep;
// the grid is built when the sweep is accepted.
#include "fuzz_support.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/experiment/sweep.hpp"

using namespace ptlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body = fuzz::text_of(data, size);
  const std::string text = "[sweep]\nseeds = 2\n[[sweep.axis]]\n" + body + "\n";
  fuzz::expect_clean([&] { experiment::grid(experiment::parse_sweep(text, "fuzz.toml")); });
  fuzz::expect_clean([&] { experiment::deep_grid(experiment::parse_deep_sweep(text, "fuzz.toml")); });
  return 0;
}
