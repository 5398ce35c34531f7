#pragma once
// Bringing image sets to the shape a model takes: resizing and channel conversion, so that a folder
// of photographs, 20 × 20 digits and 28 × 28 Fashion-MNIST can feed one network (cross-dataset
// transfer needs both stages' images in one shape). Pixels stay uint8 in [0, 255] (ImageSet layout,
// data/images.hpp).
#include "ptlab/data/images.hpp"

namespace ptlab::data {

/// `set` with every image resized to size × size pixels (stb_image_resize's default filter:
/// Mitchell for downsampling, cubic B-spline for upsampling, edges clamped). A set already of that
/// size is returned unchanged, bit for bit. Throws core::InputError for size < 1.
ImageSet resize_images(const ImageSet& set, int size);

/// `set` with `channels` channels: grey → RGB repeats the grey value; RGB → grey is the ITU-R
/// BT.601 luma 0.299 R + 0.587 G + 0.114 B, rounded. A set that has them already is returned
/// unchanged. Throws core::InputError for channels other than 1 or 3, or a conversion from or to
/// another count.
ImageSet convert_channels(const ImageSet& set, int channels);

/// How images are brought to one shape: size 0 keeps the stored size, channels 0 the stored count.
struct ImageShape {
  int size = 0;
  int channels = 0;
};

/// convert_channels then resize_images, each only where `shape` asks for it.
ImageSet reshape_images(const ImageSet& set, const ImageShape& shape);

}  // namespace ptlab::data
