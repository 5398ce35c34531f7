// --set values: one assignment per line, applied to the theory and the deep default config.
#include "fuzz_support.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/deep_config.hpp"

using namespace ptlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> sets = fuzz::split(fuzz::text_of(data, size), '\n');
  fuzz::expect_clean([&] {
    experiment::ExperimentSpec spec;
    for (const std::string& s : sets) experiment::apply_override(spec, s);
    experiment::run_hash(spec);
  });
  fuzz::expect_clean([&] { experiment::parse_config("", "fuzz", sets); });
  fuzz::expect_clean([&] { experiment::with_overrides(experiment::DeepSpec{}, sets); });
  return 0;
}
