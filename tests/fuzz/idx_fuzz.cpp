// IDX image and label files, plain or gzipped: the first byte of the input says where the image
// file ends (as a fraction of the rest), the rest is split there into the two files.
#include "fuzz_support.hpp"
#include "ptlab/data/images.hpp"

using namespace ptlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string rest = fuzz::text_of(data + 1, size - 1);
  const std::size_t cut = rest.size() * data[0] / 255;
  const std::string images = fuzz::scratch_file("images", std::string_view(rest).substr(0, cut));
  const std::string labels = fuzz::scratch_file("labels", std::string_view(rest).substr(cut));
  fuzz::expect_clean([&] { data::read_idx(images, labels, 10); });
  return 0;
}
