#include "ptlab/data/dataset_dir.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <vector>

#include "ptlab/core/error.hpp"
#include "ptlab/data/digits.hpp"
#include "ptlab/data/image_folder.hpp"

namespace ptlab::data {
namespace {

// The first of `names` present in `dir` (exists() without throwing: an unreadable directory reads
// as "not there", and the message then names what was looked for).
std::string first_existing(const std::string& dir, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    std::error_code ec;
    if (std::filesystem::exists(dir + "/" + n, ec)) return dir + "/" + n;
  }
  throw core::InputError(fmt::format("{}: none of {} found; expected the data set's files there", dir,
                                     fmt::join(names, ", ")));
}

// Both splits feed one model: checked here, before any training, so that disagreeing files fail
// in seconds instead of after the upstream stage (a tensor size error at the first test pass).
TrainTest checked(TrainTest t, const std::string& dir) {
  for (const auto& [name, set] : {std::pair<const char*, const ImageSet*>{"train", &t.train}, {"test", &t.test}})
    if (set->n == 0)
      throw core::InputError(fmt::format("{}: the {} split has 0 images; expected at least one", dir, name));
  const ImageSet &a = t.train, &b = t.test;
  if (a.channels != b.channels || a.height != b.height || a.width != b.width)
    throw core::InputError(fmt::format("{}: train images are {} × {} × {} (channels × height × width), test images "
                                       "{} × {} × {}; expected one image shape for both splits",
                                       dir, a.channels, a.height, a.width, b.channels, b.height, b.width));
  if (a.classes != b.classes)
    throw core::InputError(fmt::format("{}: train labels in {} classes, test labels in {}; expected the same classes",
                                       dir, a.classes, b.classes));
  return t;
}

TrainTest read_splits(DatasetFormat format, const std::string& dir, const ImageShape& shape) {
  switch (format) {
    case DatasetFormat::folder: return load_image_folder(dir, shape);  // resized while decoding
    case DatasetFormat::opencv_digits: return load_opencv_digits(dir);
    case DatasetFormat::sklearn_digits: return load_sklearn_digits(dir);
    case DatasetFormat::fashion_mnist: {
      const std::string d = dir.empty() ? kFashionMnistDir : dir;
      return {load_fashion_mnist(true, d), load_fashion_mnist(false, d)};
    }
    case DatasetFormat::idx: {
      const auto f = [&](const std::string& stem) { return first_existing(dir, {stem, stem + ".gz"}); };
      return {read_idx(f("train-images-idx3-ubyte"), f("train-labels-idx1-ubyte")),
              read_idx(f("t10k-images-idx3-ubyte"), f("t10k-labels-idx1-ubyte"))};
    }
    case DatasetFormat::cifar10: {
      std::vector<std::string> train;
      for (int b = 1; b <= 5; ++b) train.push_back(first_existing(dir, {fmt::format("data_batch_{}.bin", b)}));
      return {read_cifar10(train), read_cifar10({first_existing(dir, {"test_batch.bin"})})};
    }
    case DatasetFormat::cifar100: break;
  }
  return {read_cifar100({first_existing(dir, {"train.bin"})}), read_cifar100({first_existing(dir, {"test.bin"})})};
}

std::string default_dir(DatasetFormat format) {
  switch (format) {
    case DatasetFormat::opencv_digits: return kOpenCvDigitsDir;
    case DatasetFormat::sklearn_digits: return kSklearnDigitsDir;
    default: return kFashionMnistDir;
  }
}

}  // namespace

TrainTest load_dataset_dir(DatasetFormat format, const std::string& dir, const ImageShape& shape) {
  TrainTest t = checked(read_splits(format, dir, shape), dir.empty() ? default_dir(format) : dir);
  if (format == DatasetFormat::folder) return t;
  return {reshape_images(t.train, shape), reshape_images(t.test, shape)};
}

}  // namespace ptlab::data
