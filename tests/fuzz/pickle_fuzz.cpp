// The pickle rewrite of torch.save archives (transfer/deep/pickle_dicts.hpp) on arbitrary bytes:
// it must never read outside its input, and what it rewrites needs no second rewrite (a rewritten
// pickle holds no OrderedDict, SETITEM, APPEND or BUILD on a dictionary it made). Torch-free, so
// it runs under the sanitizers.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "ptlab/transfer/deep/pickle_dicts.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string pickle = ptlab::fuzz::text_of(data, size);
  const auto rewritten = ptlab::transfer::deep::readable_by_libtorch(pickle);
  if (rewritten && ptlab::transfer::deep::readable_by_libtorch(*rewritten)) std::abort();
  return 0;
}
