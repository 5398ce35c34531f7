// The image readers that need no download: image folders (stb_image), Debian's digit sets
// (opencv-doc, python3-sklearn), resizing and channel conversion. Exact pixels, labels and splits;
// bad input as one line naming the file or folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "ptlab/core/error.hpp"
#include "ptlab/data/dataset_dir.hpp"
#include "ptlab/data/digits.hpp"
#include "ptlab/data/image_folder.hpp"
#include "ptlab/data/image_ops.hpp"
#include "support/png_files.hpp"
#include "support/temp_dir.hpp"

using namespace ptlab;
using ptlab::testing::grey_ramp;
using ptlab::testing::write_png;

namespace {

class ImageFolder : public ptlab::testing::TempDirTest {
 protected:
  // The message of the InputError `f` throws ("" when it throws none).
  template <class F>
  static std::string error_of(F&& f) {
    try {
      f();
    } catch (const core::InputError& e) {
      return e.what();
    }
    return "";
  }
  // DIR/<split>/<cls>/<file>: a grey size × size ramp starting at `base`.
  void grey(const std::string& rel, int size, int base) { write_png(dir_ / rel, size, size, 1, grey_ramp(size, size, base)); }
};

std::vector<std::uint8_t> image(const data::ImageSet& s, int i) {
  const auto at = s.pixels.begin() + static_cast<std::ptrdiff_t>(i * s.image_size());
  return {at, at + static_cast<std::ptrdiff_t>(s.image_size())};
}

}  // namespace

TEST_F(ImageFolder, LabelsFollowClassFoldersInByteOrderAndGreyPixelsRoundTrip) {
  // Byte order: "B" < "a" < "b", and "10.png" < "2.png"; other files are ignored.
  grey("set/b/x.png", 3, 200);
  grey("set/a/2.png", 3, 100);
  grey("set/a/10.png", 3, 50);
  grey("set/B/1.png", 3, 0);
  write("set/a/README.txt", "not an image");
  std::filesystem::create_directories(path("set/b/sub"));  // a folder inside a class folder: ignored
  std::vector<std::string> names;
  const data::ImageSet s = data::read_image_folder(path("set"), {}, &names);
  EXPECT_EQ(names, (std::vector<std::string>{"B", "a", "b"}));
  EXPECT_EQ(s.n, 4);
  EXPECT_EQ(s.classes, 3);
  EXPECT_EQ(s.channels, 1);
  EXPECT_EQ(s.height, 3);
  EXPECT_EQ(s.width, 3);
  EXPECT_EQ(s.labels, (std::vector<int>{0, 1, 1, 2}));
  EXPECT_EQ(image(s, 0), grey_ramp(3, 3, 0));
  EXPECT_EQ(image(s, 1), grey_ramp(3, 3, 50));  // a/10.png before a/2.png
  EXPECT_EQ(image(s, 2), grey_ramp(3, 3, 100));
  EXPECT_EQ(image(s, 3), grey_ramp(3, 3, 200));
}

TEST_F(ImageFolder, RgbPixelsRoundTripInPlanarChannelOrder) {
  // 2 × 2 RGB, pixel (x, y) channel c = 10·c + x + 2·y + 1, written interleaved (HWC).
  std::vector<std::uint8_t> hwc;
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x)
      for (int c = 0; c < 3; ++c) hwc.push_back(static_cast<std::uint8_t>(10 * c + x + 2 * y + 1));
  write_png(dir_ / "set/k/rgb.png", 2, 2, 3, hwc);
  // RGBA: the alpha channel is dropped.
  std::vector<std::uint8_t> rgba;
  for (int k = 0; k < 4; ++k)
    for (const std::uint8_t v : {7, 8, 9, 128}) rgba.push_back(v);
  write_png(dir_ / "set/k/rgba.png", 2, 2, 4, rgba);
  const data::ImageSet s = data::read_image_folder(path("set"), {});
  ASSERT_EQ(s.n, 2);
  EXPECT_EQ(s.channels, 3);
  EXPECT_EQ(image(s, 0), (std::vector<std::uint8_t>{1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24}));  // C × H × W
  EXPECT_EQ(image(s, 1), (std::vector<std::uint8_t>{7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9}));
}

TEST_F(ImageFolder, ChannelConversionRepeatsGreyAndTakesTheBt601Luma) {
  // One RGB image of pure red, green, blue and (200, 100, 50) pixels.
  write_png(dir_ / "rgb/k/p.png", 2, 2, 3, {255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50});
  grey("grey/k/g.png", 2, 40);
  // BT.601, rounded: 0.299·255 = 76.245 → 76, 0.587·255 = 149.685 → 150, 0.114·255 = 29.07 → 29,
  // 0.299·200 + 0.587·100 + 0.114·50 = 124.2 → 124. (stb's own conversion would give 149 for green.)
  const std::vector<std::uint8_t> luma{76, 150, 29, 124};
  EXPECT_EQ(data::read_image_folder(path("rgb"), {.channels = 1}).pixels, luma);
  data::ImageSet rgb = data::read_image_folder(path("rgb"), {});
  EXPECT_EQ(data::convert_channels(rgb, 1).pixels, luma);
  // Grey → RGB repeats the grey plane three times.
  const auto ramp = grey_ramp(2, 2, 40);
  std::vector<std::uint8_t> three;
  for (int c = 0; c < 3; ++c) three.insert(three.end(), ramp.begin(), ramp.end());
  const data::ImageSet g3 = data::read_image_folder(path("grey"), {.channels = 3});
  EXPECT_EQ(g3.channels, 3);
  EXPECT_EQ(g3.pixels, three);
  EXPECT_EQ(data::convert_channels(data::read_image_folder(path("grey"), {}), 3).pixels, three);
  // Already in the asked channels: unchanged. Other counts are refused.
  EXPECT_EQ(data::convert_channels(rgb, 3).pixels, rgb.pixels);
  EXPECT_EQ(error_of([&] { data::convert_channels(rgb, 2); }), "2 channels; expected 1 (grey) or 3 (RGB)");
  rgb.channels = 4;
  EXPECT_EQ(error_of([&] { data::convert_channels(rgb, 1); }),
            "images with 4 channels; expected 1 (grey) or 3 (RGB) to convert");
  grey("mixed/a/g.png", 2, 40);
  write_png(dir_ / "mixed/b/p.png", 2, 2, 3, {255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50});
  // A mix is converted only when data.channels asks for it.
  const data::ImageSet mixed = data::read_image_folder(path("mixed"), {.channels = 1});
  EXPECT_EQ(mixed.channels, 1);
  EXPECT_EQ(image(mixed, 1), luma);
}

TEST_F(ImageFolder, ResizingGivesTheSizeAndLeavesAnAlreadySizedSetBitIdentical) {
  grey("set/a/1.png", 6, 0);
  grey("set/b/1.png", 6, 90);
  write_png(dir_ / "set/b/flat.png", 6, 6, 1, std::vector<std::uint8_t>(36, 200));
  const data::ImageSet stored = data::read_image_folder(path("set"), {});
  const data::ImageSet same = data::read_image_folder(path("set"), {.size = 6});
  EXPECT_EQ(same.pixels, stored.pixels);  // asked for the stored size: bit for bit
  EXPECT_EQ(data::resize_images(stored, 6).pixels, stored.pixels);
  for (const int size : {3, 11}) {
    const data::ImageSet r = data::read_image_folder(path("set"), {.size = size});
    EXPECT_EQ(r.height, size);
    EXPECT_EQ(r.width, size);
    EXPECT_EQ(r.pixels.size(), static_cast<std::size_t>(3 * size * size));
    // The filters' weights sum to one: a flat image stays flat at its value.
    EXPECT_EQ(image(r, 2), std::vector<std::uint8_t>(static_cast<std::size_t>(size * size), 200)) << size;
    // Resizing while reading is resizing the read set.
    EXPECT_EQ(r.pixels, data::resize_images(stored, size).pixels);
  }
  // Resizing makes mixed and non-square sizes one size.
  write_png(dir_ / "set/b/wide.png", 8, 4, 1, grey_ramp(8, 4, 3));
  EXPECT_EQ(data::read_image_folder(path("set"), {.size = 5}).n, 4);
  EXPECT_EQ(error_of([&] { data::resize_images(stored, 0); }), "image size 0; expected at least 1 pixel");
}

TEST_F(ImageFolder, BothSplitsLoadInOneShape) {
  for (const char* split : {"train", "test"})
    for (const char* cls : {"cat", "dog"}) grey(std::string("d/") + split + "/" + cls + "/1.png", 4, 10);
  write_png(dir_ / "d/test/dog/2.png", 4, 4, 3, std::vector<std::uint8_t>(48, 9));  // RGB in a grey set
  const data::TrainTest t = data::load_dataset_dir(data::DatasetFormat::folder, path("d"), {.size = 8, .channels = 3});
  for (const data::ImageSet* s : {&t.train, &t.test}) {
    EXPECT_EQ(s->channels, 3);
    EXPECT_EQ(s->height, 8);
    EXPECT_EQ(s->classes, 2);
  }
  EXPECT_EQ(t.train.labels, (std::vector<int>{0, 1}));
  EXPECT_EQ(t.test.labels, (std::vector<int>{0, 1, 1}));
  // channels 0: one channel count, or a one-line refusal (which count would win would depend on
  // which file sorts first).
  EXPECT_EQ(error_of([&] { data::load_image_folder(path("d"), {}); }),
            path("d/test/dog/2.png") + ": a colour image among grey ones (as " + path("d/test/cat/1.png") +
                "); expected one channel count, or set data.channels to 1 or 3 to convert");
  // Each split of one count, but not the same one.
  for (const char* cls : {"a", "b"}) {
    grey(std::string("mix/train/") + cls + "/1.png", 4, 0);
    write_png(dir_ / (std::string("mix/test/") + cls + "/1.png"), 4, 4, 3, std::vector<std::uint8_t>(48, 9));
  }
  EXPECT_EQ(error_of([&] { data::load_image_folder(path("mix"), {}); }),
            path("mix") + ": train/ images have 1 channel, test/ images 3; expected one channel count, or set "
                          "data.channels to 1 or 3 to convert");
  EXPECT_EQ(data::load_image_folder(path("mix"), {.channels = 3}).train.channels, 3);
}

TEST_F(ImageFolder, BadFoldersAndFilesAreOneLineErrors) {
  EXPECT_EQ(error_of([&] { data::read_image_folder(path("none"), {}); }),
            path("none") + ": no such folder; expected a folder with one sub-folder per class");
  std::filesystem::create_directories(path("empty"));
  write("empty/notes.txt", "x");
  EXPECT_EQ(error_of([&] { data::read_image_folder(path("empty"), {}); }),
            path("empty") + ": no class folders; expected one sub-folder per class holding its images");
  grey("noimg/a/1.png", 2, 0);
  std::filesystem::create_directories(path("noimg/b"));
  write("noimg/b/readme.md", "no images here");
  EXPECT_EQ(error_of([&] { data::read_image_folder(path("noimg"), {}); }),
            path("noimg/b") + ": no images; expected at least one .png/.jpg/.jpeg/.bmp/.gif/.tga/.pgm/.ppm/.pnm file "
                              "per class folder");
  grey("corrupt/a/1.png", 2, 0);
  write("corrupt/a/2.png", "this is not a PNG");
  const std::string corrupt = error_of([&] { data::read_image_folder(path("corrupt"), {}); });
  EXPECT_EQ(corrupt.rfind(path("corrupt/a/2.png") + ": does not decode as an image (", 0), 0u) << corrupt;
  EXPECT_NE(corrupt.find("); expected a PNG, JPEG, BMP, GIF, TGA or PNM file"), std::string::npos) << corrupt;
  // A truncated PNG (a real header, no data) too.
  grey("truncated/a/1.png", 4, 0);
  {
    const std::string whole = read(path("truncated/a/1.png"));
    std::ofstream(path("truncated/a/2.png"), std::ios::binary) << whole.substr(0, 40);
  }
  EXPECT_NE(error_of([&] { data::read_image_folder(path("truncated"), {}); }).find(path("truncated/a/2.png") + ": does not decode"),
            std::string::npos);
  // Mixed sizes and non-square images with resizing off (data.size = 0).
  grey("mixed/a/1.png", 3, 0);
  grey("mixed/a/2.png", 4, 0);
  EXPECT_EQ(error_of([&] { data::read_image_folder(path("mixed"), {}); }),
            path("mixed/a/2.png") + ": 4 × 4 pixels; expected 3 × 3 as " + path("mixed/a/1.png") +
                " (one size for every image), or set data.size to resize");
  write_png(dir_ / "wide/a/1.png", 4, 2, 1, grey_ramp(4, 2, 0));
  EXPECT_EQ(error_of([&] { data::read_image_folder(path("wide"), {}); }),
            path("wide/a/1.png") + ": 4 × 2 pixels (width × height); expected square images, or set data.size to resize");
}

TEST_F(ImageFolder, SplitsThatDisagreeAreRefused) {
  grey("classes/train/a/1.png", 2, 0);
  grey("classes/train/b/1.png", 2, 0);
  grey("classes/test/a/1.png", 2, 0);
  grey("classes/test/c/1.png", 2, 0);
  EXPECT_EQ(error_of([&] { data::load_image_folder(path("classes"), {}); }),
            path("classes") + ": train/ has class folders a, b, test/ has a, c; expected the same class folders in both");
  // Each split one size, but not the same one: refused when nothing resizes them, fine when data.size does.
  for (const char* cls : {"a", "b"}) {
    grey(std::string("sizes/train/") + cls + "/1.png", 4, 0);
    grey(std::string("sizes/test/") + cls + "/1.png", 5, 0);
  }
  const std::string expected = path("sizes") + ": train/ images are 4 × 4 pixels, test/ images 5 × 5; expected one "
                                               "size for both splits, or set data.size to resize";
  EXPECT_EQ(error_of([&] { data::load_image_folder(path("sizes"), {}); }), expected);
  EXPECT_EQ(error_of([&] { data::load_dataset_dir(data::DatasetFormat::folder, path("sizes")); }), expected);
  const data::TrainTest t = data::load_image_folder(path("sizes"), {.size = 4});
  EXPECT_EQ(t.test.height, 4);
  EXPECT_EQ(error_of([&] { data::load_image_folder(path("missing"), {}); }),
            path("missing") + "/train: no such folder; expected a folder with one sub-folder per class");
}

// The real files of Debian's opencv-doc. The facts below were computed independently, once, by
// decoding digits.png with a few lines of pure Python (zlib and the PNG row filters) and cutting
// 20 × 20 cells in reading order: rows 5c … 5c + 4 hold digit c.
TEST(Digits, OpenCvSheetSplitsIntoFourThousandAndOneThousand) {
  if (!std::filesystem::exists(std::string(data::kOpenCvDigitsDir) + "/digits.png"))
    GTEST_SKIP() << "opencv-doc is not installed (scripts/install-deps.sh installs it)";
  const data::TrainTest t = data::load_opencv_digits();
  EXPECT_EQ(t.train.n, 4000);
  EXPECT_EQ(t.test.n, 1000);
  for (const data::ImageSet* s : {&t.train, &t.test}) {
    EXPECT_EQ(s->channels, 1);
    EXPECT_EQ(s->height, 20);
    EXPECT_EQ(s->width, 20);
    EXPECT_EQ(s->classes, 10);
  }
  for (int c = 0; c < 10; ++c) {
    EXPECT_EQ(std::count(t.train.labels.begin(), t.train.labels.end(), c), 400) << c;
    EXPECT_EQ(std::count(t.test.labels.begin(), t.test.labels.end(), c), 100) << c;
  }
  // In sheet order: a class's first 400 digits train (rows 5c … 5c + 3), its last 100 test (row 5c + 4).
  EXPECT_EQ(t.train.labels[399], 0);
  EXPECT_EQ(t.train.labels[400], 1);
  EXPECT_EQ(t.test.labels[99], 0);
  EXPECT_EQ(t.test.labels[100], 1);
  const auto sum = [](const std::vector<std::uint8_t>& v) { return std::accumulate(v.begin(), v.end(), 0); };
  const auto first = image(t.train, 0);  // the cell at row 0, column 0
  EXPECT_EQ(sum(first), 16057);
  EXPECT_EQ(*std::max_element(first.begin(), first.end()), 255);
  EXPECT_EQ(std::vector<std::uint8_t>(first.begin() + 200, first.begin() + 220),
            (std::vector<std::uint8_t>{0, 0, 0, 0, 20, 218, 216, 17, 0, 0, 0, 0, 0, 0, 183, 255, 78, 0, 0, 0}));  // its row 10
  EXPECT_EQ(sum(image(t.train, 400)), 8795);  // row 5, column 0: the first 1
  EXPECT_EQ(sum(image(t.test, 0)), 15952);    // row 4, column 0
  EXPECT_EQ(sum(image(t.test, 999)), 17323);  // row 49, column 99
}

// The real file of Debian's python3-sklearn. The facts below were computed independently, once,
// with Python's gzip module on digits.csv.gz: 1797 digits, per class 178, 182, 177, 183, 181, 182,
// 181, 179, 174, 180; every fourth of a class (index 3, 7, …) tests: ⌊c/4⌋ of a class of c.
TEST(Digits, SklearnDigitsSplitAndTheFirstDigitsPixels) {
  if (!std::filesystem::exists(std::string(data::kSklearnDigitsDir) + "/digits.csv.gz"))
    GTEST_SKIP() << "python3-sklearn is not installed (scripts/install-deps.sh installs it)";
  const data::TrainTest t = data::load_sklearn_digits();
  EXPECT_EQ(t.train.n + t.test.n, 1797);
  EXPECT_EQ(t.train.n, 1352);
  EXPECT_EQ(t.test.n, 445);
  const std::vector<int> per_class{178, 182, 177, 183, 181, 182, 181, 179, 174, 180};
  for (int c = 0; c < 10; ++c) {
    EXPECT_EQ(std::count(t.test.labels.begin(), t.test.labels.end(), c), per_class[c] / 4) << c;
    EXPECT_EQ(std::count(t.train.labels.begin(), t.train.labels.end(), c), per_class[c] - per_class[c] / 4) << c;
  }
  EXPECT_EQ(t.train.height, 8);
  EXPECT_EQ(t.train.channels, 1);
  // The file's first line (a 0): grey levels 0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, … scaled to
  // round(v · 255 / 16).
  EXPECT_EQ(t.train.labels[0], 0);
  EXPECT_EQ(image(t.train, 0),
            (std::vector<std::uint8_t>{0,   0, 80,  207, 143, 16,  0,   0,   0,   0,   207, 239, 159, 239, 80,  0,
                                       0,   48, 239, 32,  0,   175, 128, 0,   0,   64,  191, 0,   0,   128, 128, 0,
                                       0,   80, 128, 0,   0,   143, 128, 0,   0,   64,  175, 0,   16,  191, 112, 0,
                                       0,   32, 223, 80,  159, 191, 0,   0,   0,   0,   96,  207, 159, 0,   0,   0}));
}

TEST_F(ImageFolder, MissingOrMalformedDigitFilesNameTheFileAndThePackage) {
  EXPECT_EQ(error_of([&] { data::load_opencv_digits(dir_.string()); }),
            dir_.string() + "/digits.png: no such file; expected Debian's opencv-doc (scripts/install-deps.sh installs it) "
                       "or data.dir naming a folder that holds it");
  EXPECT_EQ(error_of([&] { data::load_sklearn_digits(dir_.string()); }),
            dir_.string() + "/digits.csv.gz: no such file; expected Debian's python3-sklearn (scripts/install-deps.sh "
                       "installs it) or data.dir naming a folder that holds it");
  // Through the data set loader: the same line.
  EXPECT_NE(error_of([&] { data::load_dataset_dir(data::DatasetFormat::opencv_digits, dir_.string()); }).find("opencv-doc"),
            std::string::npos);
  write_png(dir_ / "small/digits.png", 10, 10, 1, std::vector<std::uint8_t>(100, 0));
  EXPECT_EQ(error_of([&] { data::load_opencv_digits(path("small")); }),
            path("small/digits.png") + ": 10 × 10 pixels; expected OpenCV's 2000 × 1000 sheet of 20 × 20 digits");
  // read_data_file detects gzip from the content: plain text under the .gz name reads too.
  const std::string line64 = [] {
    std::string l;
    for (int k = 0; k < 64; ++k) l += "1,";
    return l;
  }();
  std::filesystem::create_directories(path("csv"));
  write("csv/digits.csv.gz", line64 + "3\n" + line64.substr(0, line64.size() - 1) + "\n");
  EXPECT_EQ(error_of([&] { data::load_sklearn_digits(path("csv")); }),
            path("csv/digits.csv.gz") + ":2: 64 values; expected 65 (64 grey levels, then the label)");
  write("csv/digits.csv.gz", "17," + line64.substr(2) + "3\n");
  EXPECT_EQ(error_of([&] { data::load_sklearn_digits(path("csv")); }),
            path("csv/digits.csv.gz") + ":1: value 1 is not an integer in [0, 16]; expected 64 grey levels in [0, 16] "
                                        "then a label in [0, 9]");
}
