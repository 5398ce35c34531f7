// Weights archives (transfer.import): ptlab's, torch.save's and torchvision's ResNet layout (names
// mapped), read and transferred into a resnet8 with the channel rule, as `ptlab deep` does with an
// imported archive.
#include <torch/torch.h>

#include "fuzz_support.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/transfer/deep/copy.hpp"

using namespace ptlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::shared_ptr<model::deep::Net> target = model::deep::make_model({});
  const std::string path = fuzz::scratch_file("weights.pt", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::expect_clean([&] {
    const transfer::deep::Archive archive = transfer::deep::load_archive(path);
    transfer::deep::transfer(archive.state, *target, target->blocks(), {.rule = transfer::deep::Rule::channel, .alpha = 0.5});
  });
  return 0;
}
