#pragma once
// Finding a data set's files: the train and test splits of an image data set from the directory
// that holds them, under the file names each format's distribution uses.
#include <string>

#include "ptlab/data/image_ops.hpp"
#include "ptlab/data/images.hpp"

namespace ptlab::data {

/// The on-disk formats a directory can hold.
enum class DatasetFormat {
  fashion_mnist,  ///< Debian's dataset-fashion-mnist (gzipped IDX) in kFashionMnistDir
  idx,            ///< {train,t10k}-{images-idx3,labels-idx1}-ubyte, plain or .gz (MNIST layout)
  cifar10,        ///< data_batch_1..5.bin and test_batch.bin (CIFAR-10 binary version)
  cifar100,       ///< train.bin and test.bin (CIFAR-100 binary version; fine labels)
  folder,         ///< train/CLASS/*.png|jpg… and test/CLASS/… (data/image_folder.hpp)
  opencv_digits,  ///< digits.png of Debian's opencv-doc, 20 × 20 (data/digits.hpp)
  sklearn_digits, ///< digits.csv.gz of Debian's python3-sklearn, 8 × 8 (data/digits.hpp)
};

struct TrainTest {
  ImageSet train, test;
};

/// Reads both splits of `format` from `dir` ("" = the format's default place: Fashion-MNIST and
/// the digits have one), brought to `shape` (data/image_ops.hpp; the default keeps them). Throws core::InputError naming the directory and the files it expected there when
/// one is missing, the readers' errors for a malformed file, and for a split with no images or
/// splits whose image shapes (channels, height, width) or class counts differ.
TrainTest load_dataset_dir(DatasetFormat format, const std::string& dir, const ImageShape& shape = {});

}  // namespace ptlab::data
