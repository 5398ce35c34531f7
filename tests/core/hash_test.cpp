// FNV-1a names every stored run: these values may never change.
#include "ptlab/core/hash.hpp"

#include <gtest/gtest.h>

#include "ptlab/experiment/config.hpp"

namespace ptlab {
namespace {

TEST(Fnv1a, StandardTestVectors) {
  // Published FNV-1a 64-bit vectors (isthe.com/chongo/tech/comp/fnv, test suite).
  EXPECT_EQ(core::fnv1a(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(core::fnv1a("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(core::fnv1a("foobar"), 0x85944171f73967e8ULL);
}

TEST(Fnv1a, DeepBasisIsItsOwnConstant) {
  // The deep half's basis is not the standard one; stored deep runs depend on it.
  EXPECT_EQ(core::kDeepHashBasis, 1469598103934665603ULL);
  EXPECT_NE(core::kDeepHashBasis, core::kFnv1aOffsetBasis);
  EXPECT_EQ(core::fnv1a("", core::kDeepHashBasis), 1469598103934665603ULL);
  EXPECT_EQ(core::fnv1a("3/64", core::kDeepHashBasis), 0xe81ea118953141cfULL);
}

TEST(Fnv1a, TheoryConfigHashOfTheDefaultIsPinned) {
  // Stored theory studies are keyed by this hash of the canonical text (the config.toml that
  // `ptlab run --out` writes for an empty config hashes to it under any FNV-1a implementation).
  EXPECT_EQ(experiment::config_hash(experiment::ExperimentSpec{}), "42095bbdc73a003e");
}

}  // namespace
}  // namespace ptlab
