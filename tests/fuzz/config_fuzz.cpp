// Config text: every reader of TOML configs (theory, sweep, deep, deep sweep, advice benchmark).
#include "fuzz_support.hpp"
#include "ptlab/advise/bench_config.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/experiment/sweep.hpp"

using namespace ptlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::text_of(data, size);
  fuzz::expect_clean([&] { experiment::parse_config(text, "fuzz.toml"); });
  fuzz::expect_clean([&] { experiment::grid(experiment::parse_sweep(text, "fuzz.toml")); });
  fuzz::expect_clean([&] { experiment::parse_deep_config(text, "fuzz.toml"); });
  fuzz::expect_clean([&] { experiment::deep_grid(experiment::parse_deep_sweep(text, "fuzz.toml")); });
  fuzz::expect_clean([&] { advise::parse_bench_config(text, "fuzz.toml"); });
  return 0;
}
