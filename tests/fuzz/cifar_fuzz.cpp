// CIFAR-10 and CIFAR-100 binary batches.
#include "fuzz_support.hpp"
#include "ptlab/data/images.hpp"

using namespace ptlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string batch = fuzz::scratch_file("batch.bin", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expect_clean([&] { data::read_cifar10({batch}); });
  fuzz::expect_clean([&] { data::read_cifar100({batch}, true); });
  fuzz::expect_clean([&] { data::read_cifar100({batch}, false); });
  return 0;
}
