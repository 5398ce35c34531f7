#include "ptlab/data/image_ops.hpp"

#include <fmt/format.h>
#include <stb_image_resize.h>

#include <cmath>

#include "ptlab/core/error.hpp"

namespace ptlab::data {

ImageSet resize_images(const ImageSet& set, int size) {
  if (size < 1) throw core::InputError(fmt::format("image size {}; expected at least 1 pixel", size));
  if (set.height == size && set.width == size) return set;
  ImageSet out = set;
  out.height = out.width = size;
  out.pixels.assign(static_cast<std::size_t>(set.n) * out.image_size(), 0);
  // stb works on interleaved pixels: one channel plane at a time is an image of 1 channel.
  const std::size_t in_plane = static_cast<std::size_t>(set.height) * set.width;
  const std::size_t out_plane = static_cast<std::size_t>(size) * size;
  for (std::size_t p = 0; p < static_cast<std::size_t>(set.n) * set.channels; ++p) {
    const int ok = stbir_resize_uint8(set.pixels.data() + p * in_plane, set.width, set.height, 0,
                                      out.pixels.data() + p * out_plane, size, size, 0, 1);
    PTLAB_ASSERT_MSG(ok == 1, "stbir_resize_uint8 failed on valid sizes");
  }
  return out;
}

ImageSet convert_channels(const ImageSet& set, int channels) {
  if (channels != 1 && channels != 3)
    throw core::InputError(fmt::format("{} channels; expected 1 (grey) or 3 (RGB)", channels));
  if (set.channels == channels) return set;
  if (set.channels != 1 && set.channels != 3)
    throw core::InputError(fmt::format("images with {} channels; expected 1 (grey) or 3 (RGB) to convert", set.channels));
  ImageSet out = set;
  out.channels = channels;
  const std::size_t plane = static_cast<std::size_t>(set.height) * set.width;
  out.pixels.assign(static_cast<std::size_t>(set.n) * out.image_size(), 0);
  for (std::size_t i = 0; i < static_cast<std::size_t>(set.n); ++i) {
    const std::uint8_t* in = set.pixels.data() + i * set.image_size();
    std::uint8_t* o = out.pixels.data() + i * out.image_size();
    for (std::size_t k = 0; k < plane; ++k) {
      if (channels == 3) {
        o[k] = o[plane + k] = o[2 * plane + k] = in[k];
      } else {
        const double y = 0.299 * in[k] + 0.587 * in[plane + k] + 0.114 * in[2 * plane + k];
        o[k] = static_cast<std::uint8_t>(std::lround(y));
      }
    }
  }
  return out;
}

ImageSet reshape_images(const ImageSet& set, const ImageShape& shape) {
  ImageSet out = shape.channels > 0 ? convert_channels(set, shape.channels) : set;
  return shape.size > 0 ? resize_images(out, shape.size) : out;
}

}  // namespace ptlab::data
