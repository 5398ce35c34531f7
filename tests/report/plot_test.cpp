#include "ptlab/report/plot.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "support/study_runs.hpp"
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
    support::run_study(sweep, path("s.db"), 2);
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
  // Named after the study (s.db) and what the figure shows.
  EXPECT_EQ(files[0], path("figs/s-ntg-transfer.alpha.png"));
  EXPECT_EQ(files[1], path("figs/s-ntg-transfer.alpha.svg"));
  EXPECT_EQ(read(files[0]).substr(0, 8), "\x89PNG\r\n\x1a\n");
  const std::string svg = read(files[1]);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("α (transfer.alpha)"), std::string::npos);                 // x label: symbol and key
  EXPECT_NE(svg.find("NTG = err(transfer) - err(scratch)"), std::string::npos);  // y label
  EXPECT_NE(svg.find("n₁ = 10"), std::string::npos);                             // one series per other-axis value
  EXPECT_NE(svg.find("n₁ = 40"), std::string::npos);
  EXPECT_EQ(svg.find("upstream.n = 10"), std::string::npos);                     // symbols, not raw keys
  // The data behind the figure: α = 0 has NTG exactly 0 (transfer ≡ scratch), at the real α value.
  std::ifstream data(dir_ / "figs/s-ntg-transfer.alpha.dat");
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(data, line)) lines.push_back(line);
  ASSERT_GE(lines.size(), 7u);
  EXPECT_EQ(lines[2], "# transfer.alpha ntg_mean ntg_ci_low ntg_ci_high runs");
  EXPECT_EQ(lines[3], "\"n₁ = 10\"");
  EXPECT_EQ(lines[4], "0 0 0 0 3");
  EXPECT_EQ(lines[5].substr(0, 4), "0.5 ");
  EXPECT_EQ(lines[6].substr(0, 2), "1 ");
}

TEST_F(PlotTest, PhaseDiagramAndCurves) {
  const auto phase = plot({.kind = "phase", .formats = {"svg"}});
  ASSERT_EQ(phase.size(), 1u);
  EXPECT_EQ(phase[0], path("figs/s-phase-transfer.alpha-upstream.n.svg"));
  const std::string svg = read(phase[0]);
  EXPECT_NE(svg.find("NTG = 0"), std::string::npos);
  EXPECT_NE(svg.find("n₁ (upstream.n)"), std::string::npos);
  // α = 0 cells have NTG ≡ 0, a CI of [0, 0] that contains 0: they are marked, and say so in the key.
  EXPECT_NE(svg.find("circle: 95% CI of NTG contains 0"), std::string::npos);
  const auto curves = plot({.kind = "curves", .formats = {"png"}});
  EXPECT_EQ(curves.size(), 6u);  // one per grid point
  for (const auto& f : curves) EXPECT_EQ(read(f).substr(1, 3), "PNG");
  EXPECT_EQ(curves[0], path("figs/s-curves-transfer.alpha=0-upstream.n=10.png"));
  EXPECT_TRUE(fs::exists(path("figs/s-curves-transfer.alpha=1-upstream.n=40.png")));
  EXPECT_TRUE(fs::exists(path("figs/s-curves-transfer.alpha=1-upstream.n=40.dat")));
}

namespace {
// The .dat rows of a heatmap: "x y mean runs ..." per cell.
std::vector<std::vector<std::string>> cells(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    out.push_back(w);
  }
  return out;
}
}  // namespace

TEST_F(PlotTest, HeatmapOfAnyRecordedMetric) {
  const auto scratch = plot({.kind = "heatmap", .metric = "scratch.test_error", .formats = {"svg"}});
  ASSERT_EQ(scratch.size(), 1u);
  EXPECT_EQ(scratch[0], path("figs/s-heatmap-scratch.test_error-transfer.alpha-upstream.n.svg"));
  EXPECT_NE(read(scratch[0]).find("scratch.test_error, mean over seeds"), std::string::npos);
  const auto s = cells(read(path("figs/s-heatmap-scratch.test_error-transfer.alpha-upstream.n.dat")));
  plot({.kind = "heatmap", .metric = "transfer.test_error", .formats = {"svg"}});
  const auto t = cells(read(path("figs/s-heatmap-transfer.test_error-transfer.alpha-upstream.n.dat")));
  plot({.kind = "heatmap", .metric = "ntg", .formats = {"svg"}});
  const auto n = cells(read(path("figs/s-heatmap-ntg-transfer.alpha-upstream.n.dat")));
  ASSERT_EQ(s.size(), 6u);
  ASSERT_EQ(t.size(), 6u);
  ASSERT_EQ(n.size(), 6u);
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s[i][3], "3");  // three seeds per cell
    if (s[i][0] != "0") continue;
    // α = 0 inherits nothing: transfer is scratch, cell by cell, and NTG is exactly 0.
    EXPECT_EQ(s[i][2], t[i][2]);
    EXPECT_EQ(n[i][2], "0");
  }
  EXPECT_THROW(plot({.kind = "heatmap", .x = "transfer.alpha", .y = "transfer.alpha"}), core::InputError);
}

TEST_F(PlotTest, TwoStudiesInOneFolderKeepTheirFigures) {
  fs::copy_file(dir_ / "s.db", dir_ / "t.db");
  const auto first = plot({.kind = "ntg", .formats = {"svg"}});
  const auto second = report::plot_study(store::Study::open_existing(path("t.db")),
                                         {.kind = "ntg", .out_dir = path("figs"), .formats = {"svg"}});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(first[0], second[0]);
  EXPECT_TRUE(fs::exists(first[0]));
  EXPECT_TRUE(fs::exists(second[0]));
  // The other axis along x is another figure again.
  const auto by_n = plot({.kind = "ntg", .x = "upstream.n", .formats = {"svg"}});
  ASSERT_EQ(by_n.size(), 1u);
  EXPECT_EQ(by_n[0], path("figs/s-ntg-upstream.n.svg"));
  EXPECT_TRUE(fs::exists(first[0]));
}

namespace {

// The message of the core::InputError that `f` throws; fails the test if it throws nothing.
template <class F>
std::string input_error(F f) {
  try {
    f();
  } catch (const core::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a core::InputError";
  return "";
}

}  // namespace

TEST_F(PlotTest, BadRequestsAreInputErrors) {
  EXPECT_THROW(plot({.kind = "pie"}), core::InputError);
  EXPECT_THROW(plot({.kind = "ntg", .x = "transfer.rule"}), core::InputError);
  EXPECT_THROW(plot({.kind = "phase", .x = "transfer.alpha", .y = "transfer.alpha"}), core::InputError);
  EXPECT_THROW(plot({.kind = "ntg", .formats = {"gif"}}), core::InputError);
  EXPECT_EQ(input_error([&] { plot({.kind = "ntg", .x = "upstream.m"}); }),
            "plot --x upstream.m: not an axis of this study; expected one of: transfer.alpha, upstream.n");
  EXPECT_FALSE(fs::exists(path("figs")));  // nothing written by a refused request
}

TEST_F(PlotTest, DynamicsFromAStudyAndFromARunDirectory) {
  // The study stores γ/ρ summaries per run (dynamics.every defaults to 50: steps 0 and 40 here).
  const auto rows = store::Study::open_existing(path("s.db")).rows();
  ASSERT_FALSE(rows.empty());
  EXPECT_NE(rows[0].dynamics.find(",upstream,40,all,gamma,"), std::string::npos);
  const auto files = plot({.kind = "dynamics", .formats = {"svg"}});
  ASSERT_EQ(files.size(), 6u);  // one per grid point
  EXPECT_EQ(files[0], path("figs/s-dynamics-transfer.alpha=0-upstream.n=10.svg"));
  bool inherited = false;
  for (const auto& f : files) inherited = inherited || read(f).find("transfer: inherited") != std::string::npos;
  EXPECT_TRUE(inherited);  // α > 0 points show the inherited filters apart
  // A run directory: only curves and dynamics make sense.
  fs::create_directories(dir_ / "run");
  write("run/dynamics.csv", "seed,phase,step,group,quantity,mean,extreme\n0,upstream,0,all,gamma,0,0\n"
                            "0,upstream,10,all,gamma,0.5,0.7\n0,scratch,0,all,rho_bar,0,0\n0,scratch,10,all,rho_bar,1,2\n");
  const auto run_files = report::plot_run_dir(path("run"), {.kind = "dynamics", .out_dir = path("rf"), .formats = {"svg"}});
  ASSERT_EQ(run_files.size(), 1u);
  EXPECT_EQ(run_files[0], path("rf/run-dynamics.svg"));  // named after the run directory
  EXPECT_NE(read(run_files[0]).find("signal gamma"), std::string::npos);
  EXPECT_THROW(report::plot_run_dir(path("run"), {.kind = "ntg", .out_dir = path("rf")}), core::InputError);
  EXPECT_THROW(report::plot_run_dir(path("run"), {.kind = "curves", .out_dir = path("rf")}), core::InputError);
}
