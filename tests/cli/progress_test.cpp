// The progress display's lines: units, the ETA once a step time has been measured, notes in logs.
#include "progress.hpp"

#include <gtest/gtest.h>

#include <sstream>

using ptlab::cli::Progress;
using ptlab::cli::ProgressUnits;

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TEST(Progress, ALogCountsInItsUnitAboutEvery10Percent) {
  std::ostringstream log;
  Progress p(log, false, "deep", {.name = "batches", .measured_steps = true});
  p.update(1, 50);  // the first decile, within 30 s: no line
  p.update(2, 50);
  EXPECT_EQ(log.str(), "");
  p.update(6, 50);
  EXPECT_TRUE(starts_with(log.str(), "deep: 6/50 batches (12%), ")) << log.str();
  EXPECT_NE(log.str().find(" s left\n"), std::string::npos) << log.str();
  EXPECT_EQ(log.str().find("not known"), std::string::npos) << log.str();
  log.str("");
  p.update(30, 30);  // the total shrank (work left out); the end is always logged
  EXPECT_TRUE(starts_with(log.str(), "deep: 30/30 batches (100%), ")) << log.str();
  EXPECT_TRUE(ends_with(log.str(), " s elapsed, about 0 s left\n")) << log.str();
}

TEST(Progress, CoarseItemsKeepTheirLines) {
  std::ostringstream log;
  Progress p(log, false, "seeds");
  p.update(1, 2);
  EXPECT_TRUE(starts_with(log.str(), "seeds: 1/2 done (50%), ")) << log.str();
  EXPECT_TRUE(ends_with(log.str(), " s left\n")) << log.str();
}

TEST(Progress, ATerminalBarGivesAnEtaOnceAStepWasTimedAndNotesGoAboveIt) {
  std::ostringstream log, terminal;
  Progress(log, false, "deep").note("seed 0: alpha = 1: transfer 0.9000, scratch 0.8000, gain +10.00 points");
  EXPECT_EQ(log.str(), "seed 0: alpha = 1: transfer 0.9000, scratch 0.8000, gain +10.00 points\n");
  Progress bar(terminal, true, "deep", {.name = "batches", .measured_steps = true});
  bar.update(3, 12);  // the first step seen: when it started is unknown, so no time per step yet
  EXPECT_TRUE(starts_with(terminal.str(), "\rdeep [#######.......................] 3/12 batches (25%), ")) << terminal.str();
  EXPECT_TRUE(ends_with(terminal.str(), " s elapsed, time left not known yet   ")) << terminal.str();
  terminal.str("");
  bar.update(4, 12);
  EXPECT_NE(terminal.str().find(" s elapsed, about "), std::string::npos) << terminal.str();
  terminal.str("");
  bar.note("a line");
  EXPECT_EQ(terminal.str(), "\r\033[Ka line\n");
}
