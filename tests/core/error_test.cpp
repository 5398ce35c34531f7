// The error channels of core/error.hpp. NDEBUG is defined before the include: PTLAB_ASSERT must
// fire in Release builds, unlike assert().
#ifndef NDEBUG
#define NDEBUG
#endif
#include "ptlab/core/error.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ptlab/core/file_io.hpp"

using ptlab::core::InputError;
using ptlab::core::IoError;

namespace {

int checked_half(int n) {
  PTLAB_CHECK(n % 2 == 0, "n = " + std::to_string(n) + ": expected an even number");
  return n / 2;
}

void broken_invariant(int n) { PTLAB_ASSERT(n > 0); }
void broken_invariant_with_message(int n) { PTLAB_ASSERT_MSG(n > 0, "n = " + std::to_string(n)); }
int unreachable() { PTLAB_FAIL("no such case"); }

}  // namespace

TEST(Error, CheckThrowsAnInputErrorWithTheMessage) {
  EXPECT_EQ(checked_half(4), 2);
  try {
    checked_half(3);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "n = 3: expected an even number");
  }
}

TEST(Error, CheckEvaluatesTheMessageOnlyOnFailure) {
  int built = 0;
  const auto message = [&] {
    ++built;
    return std::string("bad");
  };
  PTLAB_CHECK(true, message());
  EXPECT_EQ(built, 0);
  EXPECT_THROW(PTLAB_CHECK(false, message()), InputError);
  EXPECT_EQ(built, 1);
}

TEST(Error, TheChannelsAreDistinctTypes) {
  // The CLI maps each to its own exit code, so neither may be caught as the other.
  EXPECT_THROW(throw IoError("x"), IoError);
  bool as_input = false;
  try {
    throw IoError("x");
  } catch (const InputError&) {
    as_input = true;
  } catch (const IoError&) {
  }
  EXPECT_FALSE(as_input);
}

TEST(ErrorDeathTest, AssertAbortsNamingFileLineAndConditionEvenWithNdebug) {
#ifndef NDEBUG
  FAIL() << "NDEBUG should be defined in this file";
#endif
  broken_invariant(1);  // holds: nothing happens
  EXPECT_DEATH(broken_invariant(0), "ptlab: internal error at .*error_test\\.cpp:[0-9]+: n > 0");
  EXPECT_DEATH(broken_invariant_with_message(-2), "internal error at .*error_test\\.cpp:[0-9]+: n > 0: n = -2");
  EXPECT_DEATH(unreachable(), "internal error at .*error_test\\.cpp:[0-9]+: unreachable: no such case");
}

TEST(Error, WritingToAFullDeviceIsAnIoError) {
  // /dev/full fails every write with ENOSPC, as a full disk does (permission bits would not stop
  // root, under which the tests run).
  EXPECT_EQ(ptlab::core::try_write_file("/dev/full", "x"), "No space left on device");
  EXPECT_EQ(ptlab::core::try_write_file("/dev/null", "x"), "");
  try {
    ptlab::core::write_file("/dev/full", "x");
    ADD_FAILURE() << "no IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/full: cannot write: No space left on device");
  }
  // replace_file writes a device in place rather than renaming a temporary onto it.
  EXPECT_THROW(ptlab::core::replace_file("/dev/full", "x"), IoError);
  EXPECT_NO_THROW(ptlab::core::replace_file("/dev/null", "x"));
}

TEST(Error, ReplaceFileWritesTheWholeFileAndLeavesNoTemporary) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ptlab_error_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string file = (dir / "a.csv").string();
  ptlab::core::replace_file(file, "old\n");
  ptlab::core::replace_file(file, "new\n");
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "new");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
  // A missing directory is reported as an I/O error by the helper (callers check user paths first).
  EXPECT_THROW(ptlab::core::write_file((dir / "no/such/file").string(), "x"), IoError);
  fs::remove_all(dir);
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
}
