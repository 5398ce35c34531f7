// The stratified validation split of a downstream training set (data/image_task.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/data/image_task.hpp"

using namespace ptlab;

namespace {

// counts[c] images of class c, in class blocks, each 1 × 2 × 2 with every pixel equal to the
// image's index (so an image can be traced through the split).
data::ImageSet images(const std::vector<int>& counts) {
  data::ImageSet s;
  s.channels = 1;
  s.height = s.width = 2;
  s.classes = static_cast<int>(counts.size());
  for (int c = 0; c < s.classes; ++c)
    for (int k = 0; k < counts[static_cast<std::size_t>(c)]; ++k) {
      s.pixels.insert(s.pixels.end(), 4, static_cast<std::uint8_t>(s.n));
      s.labels.push_back(c);
      ++s.n;
    }
  return s;
}

std::map<int, int> per_label(const data::ImageSet& s) {
  std::map<int, int> out;
  for (const int l : s.labels) ++out[l];
  return out;
}

}  // namespace

TEST(ValidationSplit, HoldsOutFloorFractionOfEachClassAndPartitionsTheImages) {
  const auto set = images({10, 7, 3});
  core::Rng rng(5);
  const auto split = data::split_validation(set, 0.3, rng);
  // ⌊0.3·10⌋ = 3, ⌊0.3·7⌋ = 2, ⌊0.3·3⌋ = 0.
  EXPECT_EQ(per_label(split.val), (std::map<int, int>{{0, 3}, {1, 2}}));
  EXPECT_EQ(per_label(split.train), (std::map<int, int>{{0, 7}, {1, 5}, {2, 3}}));
  EXPECT_EQ(split.val.n + split.train.n, set.n);
  EXPECT_EQ(split.val.pixels.size(), static_cast<std::size_t>(split.val.n) * 4);
  EXPECT_EQ(split.train.pixels.size(), static_cast<std::size_t>(split.train.n) * 4);
  // Every image lands on exactly one side with its own label (pixel value = its index).
  std::vector<int> seen(static_cast<std::size_t>(set.n), 0);
  for (const auto* part : {&split.train, &split.val})
    for (int i = 0; i < part->n; ++i) {
      const int id = part->pixels[static_cast<std::size_t>(i) * 4];
      ++seen[static_cast<std::size_t>(id)];
      EXPECT_EQ(part->labels[static_cast<std::size_t>(i)], set.labels[static_cast<std::size_t>(id)]);
    }
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int k) { return k == 1; }));
  // The training side keeps the original order.
  for (int i = 1; i < split.train.n; ++i)
    EXPECT_LT(split.train.pixels[static_cast<std::size_t>(i - 1) * 4], split.train.pixels[static_cast<std::size_t>(i) * 4]);
  EXPECT_EQ(split.train.classes, 3);
  EXPECT_EQ(split.val.classes, 3);
}

TEST(ValidationSplit, IsAFunctionOfTheStreamAndDependsOnIt) {
  const auto set = images({20, 20});
  core::Rng a(1), b(1), c(2);
  const auto x = data::split_validation(set, 0.25, a), y = data::split_validation(set, 0.25, b);
  const auto z = data::split_validation(set, 0.25, c);
  EXPECT_EQ(x.val.pixels, y.val.pixels);
  EXPECT_NE(x.val.pixels, z.val.pixels);  // 5 of 20 per class: another stream picks others
}

TEST(ValidationSplit, FractionZeroDrawsNothingAndBadFractionsAreRefused) {
  const auto set = images({4, 4});
  core::Rng rng(3), untouched(3);
  const auto split = data::split_validation(set, 0.0, rng);
  EXPECT_EQ(split.train.pixels, set.pixels);
  EXPECT_EQ(split.train.labels, set.labels);
  EXPECT_EQ(split.val.n, 0);
  EXPECT_TRUE(split.val.pixels.empty());
  EXPECT_EQ(rng.below(1000000), untouched.below(1000000));  // no draw: runs without validation keep their bits
  for (const double bad : {-0.1, 1.0, 2.0})
    EXPECT_THROW(data::split_validation(set, bad, rng), core::InputError) << bad;
}
