#pragma once
// The image-folder format (torchvision's ImageFolder layout): one sub-folder per class, holding
// that class's images as PNG, JPEG, BMP, GIF (first frame), TGA or PNM files, decoded by stb_image
// (Debian's libstb). A data set is a folder with train/ and test/, each holding the same class
// folders. Class labels are the class folders' names in byte order (0 … k−1), as in torchvision.
#include <string>
#include <vector>

#include "ptlab/data/dataset_dir.hpp"
#include "ptlab/data/image_ops.hpp"

namespace ptlab::data {

/// The file extensions read as images (lower case; matched case-insensitively). Other files
/// (a README, .DS_Store) are ignored.
const std::vector<std::string>& image_extensions();

/// The images of the class folders of `dir`, in class order then file-name order. `shape.channels`
/// 0 takes the first image's (grey or grey + alpha → 1, else 3) and requires every image to have
/// it; 1 or 3 converts all (as convert_channels: grey → RGB repeats, RGB → grey is the BT.601 luma; alpha is
/// dropped). `shape.size` 0 keeps the stored size (every image must then have the first
/// one's size and be square); > 0 resizes each image to size × size. `class_names`, when given,
/// receives the class folders' names. Throws core::InputError, one line naming the file or folder
/// and what was expected, for: a missing or unreadable folder, no class folders, a class folder
/// with no images, a file that does not decode, (channels 0) an image of another channel count, or
/// (size 0) an image of another size or a non-square one.
ImageSet read_image_folder(const std::string& dir, const ImageShape& shape, std::vector<std::string>* class_names = nullptr);

/// Both splits of an image-folder data set: DIR/train and DIR/test, with the same class folders
/// (checked by name), in `shape` (the test split takes the train split's channels when
/// shape.channels is 0). Throws as read_image_folder, for splits whose class folders differ, and
/// (shape.size 0) for splits whose images differ in size.
TrainTest load_image_folder(const std::string& dir, const ImageShape& shape);

}  // namespace ptlab::data
