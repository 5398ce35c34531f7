#include "ptlab/data/images.hpp"
#include "ptlab/data/dataset_dir.hpp"
#include "ptlab/data/image_task.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"
#include "support/temp_dir.hpp"

using namespace ptlab;

namespace {

void put32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xff);
}

// An IDX image file of n images h × w with pixel (i, y, x) = (i + 3y + 5x) mod 256, and labels i mod 10.
std::string idx_images(std::uint32_t n, std::uint32_t h, std::uint32_t w) {
  std::string s;
  put32(s, 0x803);
  put32(s, n);
  put32(s, h);
  put32(s, w);
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t y = 0; y < h; ++y)
      for (std::uint32_t x = 0; x < w; ++x) s += static_cast<char>((i + 3 * y + 5 * x) % 256);
  return s;
}

std::string idx_labels(std::uint32_t n, int modulo = 10) {
  std::string s;
  put32(s, 0x801);
  put32(s, n);
  for (std::uint32_t i = 0; i < n; ++i) s += static_cast<char>(i % modulo);
  return s;
}

class Images : public ptlab::testing::TempDirTest {
 protected:
  std::string gz(const std::string& name, const std::string& bytes) {
    const std::string p = path(name);
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    return p;
  }
  void expect_error(const std::function<void()>& f, const std::string& fragment) {
    try {
      f();
      ADD_FAILURE() << "no error; expected one with " << fragment;
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
};

}  // namespace

TEST_F(Images, IdxPlainAndGzippedReadTheSamePixels) {
  const auto plain = data::read_idx(write("i", idx_images(7, 4, 3)), write("l", idx_labels(7)));
  const auto zipped = data::read_idx(gz("i.gz", idx_images(7, 4, 3)), gz("l.gz", idx_labels(7)));
  EXPECT_EQ(plain.n, 7);
  EXPECT_EQ(plain.channels, 1);
  EXPECT_EQ(plain.height, 4);
  EXPECT_EQ(plain.width, 3);
  EXPECT_EQ(plain.pixels, zipped.pixels);
  EXPECT_EQ(plain.labels, zipped.labels);
  // pixel (i = 5, y = 2, x = 1) = 5 + 6 + 5 = 16, at (5·4 + 2)·3 + 1
  EXPECT_EQ(plain.pixels[(5 * 4 + 2) * 3 + 1], 16);
  EXPECT_EQ(plain.labels[6], 6);
}

TEST_F(Images, BrokenIdxFilesAreOneLineErrorsNamingTheFile) {
  const std::string good_labels = write("l", idx_labels(7));
  std::string truncated = idx_images(7, 4, 3);
  truncated.resize(truncated.size() - 5);
  expect_error([&] { data::read_idx(write("t", truncated), good_labels); }, path("t") + ": 95 bytes; expected 16 + 7 × 4 × 3 = 100");
  expect_error([&] { data::read_idx(write("m", "not an idx file at all"), good_labels); }, "expected magic 0x00000803");
  expect_error([&] { data::read_idx(write("i", idx_images(8, 4, 3)), good_labels); }, "7 labels for the 8 images");
  expect_error([&] { data::read_idx(write("i2", idx_images(12, 4, 3)), write("l12", idx_labels(12, 12))); },
               "label 10 at index 10; expected labels in [0, 10)");
  expect_error([&] { data::read_idx(path("missing"), good_labels); }, "no such file");
  expect_error([&] { data::read_idx(write("i3", idx_images(7, 4, 3)), path("")); }, "not a regular file");
  std::string bad_gz = "\x1f\x8b\x08\x00garbage that is not deflate data";
  expect_error([&] { data::read_idx(write("bad.gz", bad_gz), good_labels); }, path("bad.gz") + ": ");
}

TEST_F(Images, SizesClaimedByHeadersAreCheckedBeforeAnyDataIsRead) {
  // 2·10⁹ images of 4096 × 4096 (3.4·10¹⁶ bytes) in a gzip of a few dozen bytes: refused from the
  // header, with the size and the limit, before anything is decompressed.
  std::string bomb;
  put32(bomb, 0x803);
  put32(bomb, 2'000'000'000u);
  put32(bomb, 4096);
  put32(bomb, 4096);
  std::string many_labels;
  put32(many_labels, 0x801);
  put32(many_labels, 2'000'000'000u);
  expect_error([&] { data::read_idx(gz("bomb.gz", bomb), gz("bl.gz", many_labels)); },
               "the header claims 2000000000 × 4096 × 4096 = 33554432000000000 bytes of data; the limit is ");
  // More images than an int counts.
  std::string huge_n;
  put32(huge_n, 0x803);
  put32(huge_n, 4'000'000'000u);
  put32(huge_n, 1);
  put32(huge_n, 1);
  expect_error([&] { data::read_idx(gz("n.gz", huge_n), gz("l.gz", idx_labels(1))); }, "claims 4000000000 images");
  // A gzip that stops after its header: truncated, found by reading, not by allocating 784 MB first.
  std::string header_only;
  put32(header_only, 0x803);
  put32(header_only, 1'000'000u);
  put32(header_only, 28);
  put32(header_only, 28);
  std::string labels;
  put32(labels, 0x801);
  put32(labels, 1'000'000u);
  expect_error([&] { data::read_idx(gz("h.gz", header_only), gz("hl.gz", labels)); },
               ": 16 bytes; expected 16 + 1000000 × 28 × 28 = 784000016 (truncated or padded?)");
  // Padded: one byte more than the header says, plain and gzipped.
  const std::string padded = idx_images(7, 4, 3) + "x";
  expect_error([&] { data::read_idx(write("p", padded), write("pl", idx_labels(7))); }, ": 101 bytes; expected 16 + 7 × 4 × 3");
  expect_error([&] { data::read_idx(gz("p.gz", padded), gz("pl.gz", idx_labels(7))); },
               ": more than 100 bytes; expected 16 + 7 × 4 × 3 = 100");
}

TEST_F(Images, SplitsThatDisagreeAreRefusedWhenLoadedBeforeAnyTraining) {
  write("train-images-idx3-ubyte", idx_images(5, 28, 28));
  write("train-labels-idx1-ubyte", idx_labels(5));
  write("t10k-images-idx3-ubyte", idx_images(3, 32, 32));
  write("t10k-labels-idx1-ubyte", idx_labels(3));
  expect_error([&] { data::load_dataset_dir(data::DatasetFormat::idx, path("")); },
               "train images are 1 × 28 × 28 (channels × height × width), test images 1 × 32 × 32; expected one image "
               "shape for both splits");
  write("t10k-images-idx3-ubyte", idx_images(0, 28, 28));
  write("t10k-labels-idx1-ubyte", idx_labels(0));
  expect_error([&] { data::load_dataset_dir(data::DatasetFormat::idx, path("")); },
               "the test split has 0 images; expected at least one");
  write("t10k-images-idx3-ubyte", idx_images(3, 28, 28));
  write("t10k-labels-idx1-ubyte", idx_labels(3));
  const auto both = data::load_dataset_dir(data::DatasetFormat::idx, path(""));
  EXPECT_EQ(both.train.n, 5);
  EXPECT_EQ(both.test.n, 3);
}

TEST_F(Images, Cifar10And100Records) {
  // Two CIFAR-10 records: label, then 3072 pixels (channel-major: R plane, G plane, B plane).
  std::string c10;
  for (int r = 0; r < 2; ++r) {
    c10 += static_cast<char>(r == 0 ? 3 : 9);
    for (int k = 0; k < 3072; ++k) c10 += static_cast<char>((k / 1024) * 100 + r);
  }
  const auto s = data::read_cifar10({write("b1.bin", c10), write("b2.bin", c10)});
  EXPECT_EQ(s.n, 4);
  EXPECT_EQ(s.channels, 3);
  EXPECT_EQ(s.labels, (std::vector<int>{3, 9, 3, 9}));
  EXPECT_EQ(s.pixels[3072 + 2048], 201);  // image 1, blue plane: 2·100 + 1
  EXPECT_EQ(s.classes, 10);
  // CIFAR-100: coarse then fine label byte.
  std::string c100;
  c100 += static_cast<char>(7);
  c100 += static_cast<char>(88);
  c100 += std::string(3072, '\x05');
  EXPECT_EQ(data::read_cifar100({write("c.bin", c100)}).labels[0], 88);
  EXPECT_EQ(data::read_cifar100({write("c2.bin", c100)}, false).labels[0], 7);
  EXPECT_EQ(data::read_cifar100({write("c3.bin", c100)}, false).classes, 20);
  expect_error([&] { data::read_cifar10({write("short.bin", c10.substr(0, 3000))}); }, "whole number of 3073-byte");
  std::string bad = c10;
  bad[0] = static_cast<char>(10);
  expect_error([&] { data::read_cifar10({write("bad.bin", bad)}); }, "label 10 in record 0");
  expect_error([&] { data::read_cifar10({}); }, "no batch files");
}

TEST_F(Images, FashionMnistFromDebianWhenInstalled) {
  if (!std::filesystem::exists(std::string(data::kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed (scripts/install-deps.sh installs it)";
  const auto test = data::load_fashion_mnist(false);
  EXPECT_EQ(test.n, 10000);
  EXPECT_EQ(test.height, 28);
  EXPECT_EQ(test.width, 28);
  std::vector<int> per_class(10, 0);
  for (const int l : test.labels) ++per_class[static_cast<std::size_t>(l)];
  for (const int c : per_class) EXPECT_EQ(c, 1000);  // Fashion-MNIST's test split is balanced
  expect_error([&] { data::load_fashion_mnist(true, path("nowhere")); }, "dataset-fashion-mnist");
}

TEST(ImageTask, ClassSplitSubsamplingAndLabelNoise) {
  // 10 classes × 25 images; pixel value = image index, so the chosen images can be traced.
  data::ImageSet src;
  src.n = 250;
  src.channels = src.height = src.width = 1;
  src.classes = 10;
  for (int i = 0; i < 250; ++i) {
    src.pixels.push_back(static_cast<std::uint8_t>(i));
    src.labels.push_back(i % 10);
  }
  const auto map = data::class_split(10, 5, 5);  // Fashion-MNIST style: classes 5–9 → 0–4
  EXPECT_EQ(map, (std::vector<int>{-1, -1, -1, -1, -1, 0, 1, 2, 3, 4}));
  core::Rng rng(3);
  const auto task = data::make_image_task(src, {.label_map = map, .per_class = 7}, rng);
  EXPECT_EQ(task.n, 35);
  EXPECT_EQ(task.classes, 5);
  std::vector<int> per(5, 0);
  for (int k = 0; k < task.n; ++k) {
    const int label = task.labels[static_cast<std::size_t>(k)];
    ++per[static_cast<std::size_t>(label)];
    EXPECT_EQ(task.pixels[static_cast<std::size_t>(k)] % 10, label + 5);  // source class 5 + label
  }
  for (const int c : per) EXPECT_EQ(c, 7);
  // Same rng seed, same images; another seed, other images.
  core::Rng again(3), other(4);
  EXPECT_EQ(data::make_image_task(src, {.label_map = map, .per_class = 7}, again).pixels, task.pixels);
  EXPECT_NE(data::make_image_task(src, {.label_map = map, .per_class = 7}, other).pixels, task.pixels);
  // Label noise 0.5: about half the labels change, always to another valid label.
  core::Rng noisy_rng(5);
  const auto noisy = data::make_image_task(src, {.label_map = map, .label_noise = 0.5}, noisy_rng);
  int changed = 0;
  for (int k = 0; k < noisy.n; ++k) {
    const int clean = src.labels[static_cast<std::size_t>(noisy.pixels[static_cast<std::size_t>(k)])] - 5;
    ASSERT_GE(noisy.labels[static_cast<std::size_t>(k)], 0);
    ASSERT_LT(noisy.labels[static_cast<std::size_t>(k)], 5);
    changed += noisy.labels[static_cast<std::size_t>(k)] != clean ? 1 : 0;
  }
  EXPECT_EQ(noisy.n, 125);
  EXPECT_NEAR(changed / 125.0, 0.5, 0.13);
  // Bad options: one-line errors.
  EXPECT_THROW(data::make_image_task(src, {.label_map = {0, 1}}, rng), core::InputError);
  EXPECT_THROW(data::make_image_task(src, {.label_map = map, .per_class = 26}, rng), core::InputError);
  EXPECT_THROW(data::make_image_task(src, {.label_map = map, .label_noise = 1.0}, rng), core::InputError);
  EXPECT_THROW(data::class_split(10, 9, 2), core::InputError);
}

TEST(RotationTask, LabelsAreTheQuarterTurnsAndTurningBackRestoresTheImage) {
  data::ImageSet s;
  s.n = 40;
  s.channels = 3;
  s.height = s.width = 5;
  s.classes = 10;
  core::Rng fill(3);
  for (std::size_t i = 0; i < s.n * s.image_size(); ++i) s.pixels.push_back(static_cast<std::uint8_t>(fill.below(256)));
  for (int i = 0; i < s.n; ++i) s.labels.push_back(i % 10);
  // One quarter turn counter-clockwise of a 2 × 2 image [[a, b], [c, d]] is [[b, d], [a, c]].
  const std::vector<std::uint8_t> small{1, 2, 3, 4};
  EXPECT_EQ(data::rotate90(small.data(), 1, 2, 1), (std::vector<std::uint8_t>{2, 4, 1, 3}));
  EXPECT_EQ(data::rotate90(small.data(), 1, 2, 4), small);
  core::Rng rng(11);
  const auto r = data::rotation_task(s, rng);
  EXPECT_EQ(r.classes, 4);
  ASSERT_EQ(r.n, s.n);
  std::vector<int> seen(4, 0);
  for (int i = 0; i < r.n; ++i) {
    const int k = r.labels[static_cast<std::size_t>(i)];
    ASSERT_GE(k, 0);
    ASSERT_LT(k, 4);
    ++seen[static_cast<std::size_t>(k)];
    const auto at = static_cast<std::size_t>(i) * s.image_size();
    const auto back = data::rotate90(r.pixels.data() + at, 3, 5, 4 - k);
    EXPECT_TRUE(std::equal(back.begin(), back.end(), s.pixels.begin() + static_cast<std::ptrdiff_t>(at))) << i;
  }
  for (const int c : seen) EXPECT_GT(c, 0);  // 40 draws: every turn appears
  s.width = 6;
  EXPECT_THROW(data::rotation_task(s, rng), core::InputError);
}
