#include "ptlab/report/plot.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "ptlab/store/study_run.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ptlab;

namespace {

class PlotTest : public ptlab::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    const auto sweep = experiment::parse_sweep(std::string(ptlab::testing::kTinyModel) + R"(
[run]
curve_every = 10
[sweep]
seeds = 3
[[sweep.axis]]
key = "transfer.alpha"
values = [0.0, 0.5, 1.0]
[[sweep.axis]]
key = "upstream.n"
values = [10, 40]
)",
                                               "plot.toml");
    store::run_study(sweep, path("s.db"), {.threads = 2});
  }
  std::vector<std::string> plot(report::PlotOptions options) {
    options.out_dir = (dir_ / "figs").string();
    return report::plot_study(store::Study::open_existing((dir_ / "s.db").string()), options);
  }
};

}  // namespace

TEST_F(PlotTest, NtgFigureIsAPngAndAnSvgWithLabelledAxes) {
  const auto files = plot({.kind = "ntg"});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(read(files[0]).substr(0, 8), "\x89PNG\r\n\x1a\n");
  const std::string svg = read(files[1]);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("transfer.alpha"), std::string::npos);          // x label
  EXPECT_NE(svg.find("NTG = err(transfer) - err(scratch)"), std::string::npos);  // y label
  EXPECT_NE(svg.find("upstream.n = 10"), std::string::npos);         // one series per other-axis value
  EXPECT_NE(svg.find("upstream.n = 40"), std::string::npos);
  // The data behind the figure: α = 0 has NTG exactly 0 (transfer ≡ scratch).
  std::ifstream data(dir_ / "figs/ntg.dat");
  std::string header, first;
  std::getline(data, header);
  std::getline(data, first);
  EXPECT_EQ(first, "0 0 0 0 0");
}

TEST_F(PlotTest, PhaseDiagramAndCurves) {
  const auto phase = plot({.kind = "phase", .formats = {"svg"}});
  ASSERT_EQ(phase.size(), 1u);
  const std::string svg = read(phase[0]);
  EXPECT_NE(svg.find("NTG = 0"), std::string::npos);
  EXPECT_NE(svg.find("upstream.n"), std::string::npos);
  const auto curves = plot({.kind = "curves", .formats = {"png"}});
  EXPECT_EQ(curves.size(), 6u);  // one per grid point
  for (const auto& f : curves) EXPECT_EQ(read(f).substr(1, 3), "PNG");
}

TEST_F(PlotTest, BadRequestsAreInputErrors) {
  EXPECT_THROW(plot({.kind = "pie"}), core::InputError);
  EXPECT_THROW(plot({.kind = "ntg", .x = "transfer.rule"}), core::InputError);
  EXPECT_THROW(plot({.kind = "phase", .x = "transfer.alpha", .y = "transfer.alpha"}), core::InputError);
  EXPECT_THROW(plot({.kind = "ntg", .formats = {"gif"}}), core::InputError);
  try {
    plot({.kind = "ntg", .x = "upstream.m"});
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "plot --x upstream.m: not an axis of this study; expected one of: transfer.alpha, upstream.n");
  }
}

TEST_F(PlotTest, DynamicsFromAStudyAndFromARunDirectory) {
  // The study stores γ/ρ summaries per run (dynamics.every defaults to 50: steps 0 and 40 here).
  const auto rows = store::Study::open_existing(path("s.db")).rows();
  ASSERT_FALSE(rows.empty());
  EXPECT_NE(rows[0].dynamics.find(",upstream,40,all,gamma,"), std::string::npos);
  const auto files = plot({.kind = "dynamics", .formats = {"svg"}});
  ASSERT_EQ(files.size(), 6u);  // one per grid point
  bool inherited = false;
  for (const auto& f : files) inherited = inherited || read(f).find("transfer: inherited") != std::string::npos;
  EXPECT_TRUE(inherited);  // α > 0 points show the inherited filters apart
  // A run directory: only curves and dynamics make sense.
  fs::create_directories(dir_ / "run");
  write("run/dynamics.csv", "seed,phase,step,group,quantity,mean,extreme\n0,upstream,0,all,gamma,0,0\n"
                            "0,upstream,10,all,gamma,0.5,0.7\n0,scratch,0,all,rho_bar,0,0\n0,scratch,10,all,rho_bar,1,2\n");
  const auto run_files = report::plot_run_dir(path("run"), {.kind = "dynamics", .out_dir = path("rf"), .formats = {"svg"}});
  ASSERT_EQ(run_files.size(), 1u);
  EXPECT_NE(read(run_files[0]).find("signal gamma"), std::string::npos);
  EXPECT_THROW(report::plot_run_dir(path("run"), {.kind = "ntg", .out_dir = path("rf")}), core::InputError);
  EXPECT_THROW(report::plot_run_dir(path("run"), {.kind = "curves", .out_dir = path("rf")}), core::InputError);
}
