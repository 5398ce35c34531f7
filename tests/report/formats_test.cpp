// Golden tests of every file format that plot and export write, on hand-built studies whose
// numbers are chosen so that every mean, std and sign is known exactly: the expected headers and
// rows are literal text, not the constants of the code under test.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ptlab/report/plot.hpp"
#include "ptlab/store/export.hpp"
#include "ptlab/store/study.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ptlab;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<double> numbers_of(const std::string& line) {
  std::vector<double> out;
  std::istringstream in(line);
  for (std::string cell; in >> cell;) out.push_back(cell == "NaN" ? NAN : std::stod(cell));
  return out;
}

// The 95% Student-t half-width of the mean of 3 values with sample std `sd`. For 2 degrees of
// freedom the t quantile has the closed form t_p = (2p − 1) / √(2p(1 − p)).
double half_width_3(double sd) {
  const double p = 0.975;
  return (2 * p - 1) / std::sqrt(2 * p * (1 - p)) * sd / std::sqrt(3.0);
}

class Formats : public ptlab::testing::TempDirTest {
 protected:
  // A study over α ∈ {0, 0.5, 1} × n₁ ∈ {10, 100, 1000}, 3 seeds a point, NTG = m − s, m, m + s
  // (dyadic numbers: exact means and stds):
  //            α = 0    α = 0.5    α = 1
  //   n₁ 1000   0        −0.25      0.03125 ± 0.25 (CI contains 0)
  //   n₁  100   0        −0.125     −0.25
  //   n₁   10   0        +0.125     +0.25
  // NTG ≡ 0 at α = 0 (no spread: CI [0, 0]). The only significant sign change is between n₁ = 10
  // and 100 at α = 0.5 and 1, halfway in log10 n₁: n₁ = 10^1.5 at both.
  void SetUp() override {
    TempDirTest::SetUp();
    auto study = store::Study::open(path("grid.db"));
    const std::vector<std::pair<std::string, std::string>> alphas = {{"0.0", "0"}, {"0.5", "1"}, {"1.0", "2"}};
    const double mean[3][3] = {{0, 0, 0}, {0.125, -0.125, -0.25}, {0.25, -0.25, 0.03125}};  // [α][n₁]
    const double spread[3][3] = {{0, 0, 0}, {0.015625, 0.015625, 0.015625}, {0.015625, 0.015625, 0.25}};
    const char* ns[3] = {"10", "100", "1000"};
    for (int a = 0; a < 3; ++a)
      for (int n = 0; n < 3; ++n)
        for (int seed = 0; seed < 3; ++seed) {
          const double ntg = mean[a][n] + (seed - 1) * spread[a][n];
          store::RunRow row;
          row.run_hash = "h" + alphas[a].second + std::to_string(n);
          row.seed = static_cast<std::uint64_t>(seed);
          row.status = "done";
          row.point = "{\"transfer.alpha\":" + alphas[a].first + ",\"upstream.n\":" + ns[n] + "}";
          row.record = "{\"ntg\":" + nlohmann_number(ntg) + "}";
          // Test error 0.25, 0.5, 0.75 over the seeds at step 0 (mean 0.5, std 0.25), 0.125 at step 10.
          row.curves = std::to_string(seed) + ",transfer,0,0.7,0.5,0.5," + (seed == 0 ? "0.25" : seed == 1 ? "0.5" : "0.75") +
                       "\n" + std::to_string(seed) + ",transfer,10,0.1,0,0.125,0.125\n" + std::to_string(seed) +
                       ",scratch,0,0.7,0.5,0.5,0.5\n";
          row.dynamics = std::to_string(seed) + ",upstream,0,all,gamma,0,0\n" + std::to_string(seed) + ",upstream,40,all,gamma," +
                         (seed == 0 ? "1" : seed == 1 ? "2" : "3") + ",4\n";
          row.provenance = "{}";
          study.put(row);
        }
  }
  static std::string nlohmann_number(double x) {
    std::ostringstream s;
    s.precision(17);
    s << x;
    return s.str();
  }
  std::vector<report::Figure> plot(report::PlotOptions options) {
    options.out_dir = path("figs");
    options.formats = {"svg"};
    return report::plot_study_figures(store::Study::open_existing(path("grid.db")), options);
  }
};

}  // namespace

TEST(AxisRules, SymbolsLabelsAndLogSpacing) {
  EXPECT_EQ(report::axis_symbol("transfer.alpha"), "α");
  EXPECT_EQ(report::axis_symbol("upstream.n"), "n₁");
  EXPECT_EQ(report::axis_symbol("downstream.n"), "n₂");
  EXPECT_EQ(report::axis_symbol("data.norm_u"), "‖u‖");
  EXPECT_EQ(report::axis_symbol("downstream.norm_v"), "‖v₂‖");
  EXPECT_EQ(report::axis_symbol("upstream.sigma_p"), "σ_p,1");
  EXPECT_EQ(report::axis_symbol("upstream.p"), "p₁");
  EXPECT_EQ(report::axis_symbol("model.sigma_0"), "σ₀");
  EXPECT_EQ(report::axis_symbol("upstream.per_class"), "upstream.per_class");  // no symbol: the key
  EXPECT_EQ(report::axis_label("transfer.alpha"), "α (transfer.alpha)");
  EXPECT_EQ(report::axis_label("transfer.rule"), "transfer.rule");
  EXPECT_EQ(report::point_caption(R"({"transfer.alpha":0.5,"upstream.n":200})"), "α = 0.5, n₁ = 200");
  EXPECT_EQ(report::point_caption(R"({"transfer.rule":"entry"})"), "transfer.rule = entry");
  EXPECT_EQ(report::point_caption("{}"), "all runs");
  // Log-spaced: rounded integer logspace (configs/sweeps/n1.toml), 1-2-5 series, decades.
  EXPECT_TRUE(report::log_spaced({32, 63, 126, 251, 501}));
  EXPECT_TRUE(report::log_spaced({10, 20, 50, 100}));
  EXPECT_TRUE(report::log_spaced({0.1, 0.25, 0.5, 1.0, 2.0}));
  EXPECT_TRUE(report::log_spaced({1000, 1, 10, 100, 10}));  // order and repeats do not matter
  EXPECT_TRUE(report::log_spaced({1, 100}));
  // Not: a linear grid, a zero or negative value, under a decade, a single value.
  EXPECT_FALSE(report::log_spaced({0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}));
  EXPECT_FALSE(report::log_spaced({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}));
  EXPECT_FALSE(report::log_spaced({0.0, 0.1, 0.25, 0.5, 1.0, 2.0}));
  EXPECT_FALSE(report::log_spaced({-1, 10, 100}));
  EXPECT_FALSE(report::log_spaced({10, 20, 40, 80}));
  EXPECT_FALSE(report::log_spaced({5}));
  EXPECT_FALSE(report::log_spaced({1, 2, 100}));  // gaps log 2 and log 50: not geometric
}

TEST_F(Formats, PhaseDatKeepsRealValuesMarksAndTheZeroContour) {
  const auto figures = plot({.kind = "phase"});
  ASSERT_EQ(figures.size(), 1u);
  EXPECT_EQ(figures[0].files, std::vector<std::string>{path("figs/grid-phase-transfer.alpha-upstream.n.svg")});
  EXPECT_EQ(figures[0].data, path("figs/grid-phase-transfer.alpha-upstream.n.dat"));
  const auto lines = lines_of(read(figures[0].data));
  ASSERT_EQ(lines.size(), 3u + 3 * 4 + 3 + 3);
  EXPECT_EQ(lines[0], "# NTG over transfer.alpha (x, linear axis) and upstream.n (y, log axis): mean and 95% Student-t CI "
                      "over the done runs of each point (NaN: fewer than 2 runs)");
  EXPECT_EQ(lines[1], "# significant: 1 if the CI excludes 0; the cell spans x_low..x_high, y_low..y_high");
  EXPECT_EQ(lines[2], "# transfer.alpha upstream.n ntg_mean ntg_ci_low ntg_ci_high runs significant x_low x_high y_low "
                      "y_high");
  // Rows at the real values (α = 0.5, not index 1); cells halfway to the neighbours, in log10
  // along n₁: 10^0.5 .. 10^1.5 around n₁ = 10.
  const auto starts = [](const std::string& line, const std::string& prefix) { return line.rfind(prefix, 0) == 0; };
  EXPECT_TRUE(starts(lines[3], "0 10 0 0 0 3 0 -0.25 0.25 3.16227766016")) << lines[3];
  EXPECT_TRUE(starts(lines[4], "0.5 10 0.125 ")) << lines[4];
  EXPECT_TRUE(starts(lines[5], "1 10 0.25 ")) << lines[5];
  EXPECT_EQ(lines[6], "");  // one blank line between rows of n₁
  EXPECT_TRUE(starts(lines[7], "0 100 0 0 0 3 0 ")) << lines[7];
  const auto row = numbers_of(lines[4]);
  ASSERT_EQ(row.size(), 11u);
  EXPECT_NEAR(row[3], 0.125 - half_width_3(0.015625), 1e-12);
  EXPECT_NEAR(row[4], 0.125 + half_width_3(0.015625), 1e-12);
  EXPECT_EQ(row[5], 3);
  EXPECT_EQ(row[6], 1);  // significant
  EXPECT_EQ(row[7], 0.25);
  EXPECT_EQ(row[8], 0.75);
  EXPECT_NEAR(row[9], std::sqrt(10.0), 1e-12);
  EXPECT_NEAR(row[10], std::pow(10.0, 1.5), 1e-11);
  // The top-right cell: mean > 0 but its CI contains 0, so not significant; its far bounds extend
  // half a step beyond the last values (α 1.25, n₁ 10^3.5).
  const auto top_right = numbers_of(lines[13]);
  ASSERT_EQ(top_right.size(), 11u);
  EXPECT_EQ(top_right[0], 1);
  EXPECT_EQ(top_right[1], 1000);
  EXPECT_EQ(top_right[2], 0.03125);
  EXPECT_LT(top_right[3], 0);
  EXPECT_EQ(top_right[6], 0);
  EXPECT_EQ(top_right[8], 1.25);
  EXPECT_NEAR(top_right[10], std::pow(10.0, 3.5), 1e-8);
  // The contour: one segment, across the sign change between n₁ = 10 and 100; none along α = 0
  // (NTG ≡ 0) and none into the top-right cell (opposite mean, but its CI contains 0).
  EXPECT_EQ(lines[15], "");
  EXPECT_EQ(lines[16], "# NTG = 0 contour (gnuplot index 1): segments between neighbouring points of opposite sign whose "
                       "CIs exclude 0");
  EXPECT_EQ(lines[17], "# transfer.alpha upstream.n");
  const auto a = numbers_of(lines[18]), b = numbers_of(lines[19]);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(std::min(a[0], b[0]), 0.5);
  EXPECT_EQ(std::max(a[0], b[0]), 1.0);
  EXPECT_NEAR(a[1], std::pow(10.0, 1.5), 1e-11);
  EXPECT_NEAR(b[1], std::pow(10.0, 1.5), 1e-11);
  EXPECT_EQ(lines[20], "");
  // The figure says what the marks mean and draws the line.
  const std::string svg = read(figures[0].files[0]);
  EXPECT_NE(svg.find("circle: 95% CI of NTG contains 0"), std::string::npos);
  EXPECT_NE(svg.find("black line: NTG = 0"), std::string::npos);
  EXPECT_NE(svg.find("α (transfer.alpha)"), std::string::npos);
  EXPECT_NE(svg.find("n₁ (upstream.n)"), std::string::npos);
  EXPECT_NE(figures[0].caption.find("circles: the 95% CI of NTG contains 0"), std::string::npos) << figures[0].caption;
}

TEST_F(Formats, PhaseWithoutASignificantSignChangeDrawsNoContour) {
  // A column where NTG ≡ 0 (α = 0) beside one where transfer significantly helps (α = 0.5): NTG
  // never changes sign, so there is no NTG = 0 line (a contour of the interpolated grid would
  // run along α = 0).
  auto study = store::Study::open(path("flat.db"));
  for (const char* alpha : {"0.0", "0.5"})
    for (const char* n : {"100", "1000"})
      for (int seed = 0; seed < 3; ++seed) {
        const bool zero = std::string(alpha) == "0.0";
        const double ntg = zero ? 0.0 : -0.25 + 0.015625 * (seed - 1);
        study.put({std::string("h") + alpha + n, static_cast<std::uint64_t>(seed), "done",
                   std::string("{\"transfer.alpha\":") + alpha + ",\"upstream.n\":" + n + "}", "",
                   "{\"ntg\":" + std::to_string(ntg) + "}", "", "{}", "", ""});
      }
  const auto figures = report::plot_study_figures(store::Study::open_existing(path("flat.db")),
                                                  {.kind = "phase", .out_dir = path("figs"), .formats = {"svg"}});
  ASSERT_EQ(figures.size(), 1u);
  const auto lines = lines_of(read(figures[0].data));
  ASSERT_EQ(lines.size(), 3u + 2 * 3 + 3);  // rows, then the contour block's two comment lines only
  EXPECT_EQ(lines.back(), "# transfer.alpha upstream.n");
  EXPECT_NE(lines[0].find("upstream.n (y, log axis)"), std::string::npos) << lines[0];  // 100, 1000: a decade
  const std::string svg = read(figures[0].files[0]);
  EXPECT_NE(svg.find("no significant NTG = 0 crossing"), std::string::npos);
}

TEST_F(Formats, NtgDatHasOneBlockPerSeriesAtRealValues) {
  const auto figures = plot({.kind = "ntg"});
  ASSERT_EQ(figures.size(), 1u);
  EXPECT_EQ(figures[0].data, path("figs/grid-ntg-transfer.alpha.dat"));
  const auto lines = lines_of(read(figures[0].data));
  ASSERT_EQ(lines.size(), 3u + 3 * (1 + 3 + 2));
  EXPECT_EQ(lines[0], "# NTG against transfer.alpha (linear axis): mean and 95% Student-t CI over the done runs of each "
                      "point (NaN: fewer than 2 runs)");
  EXPECT_EQ(lines[1], "# one block per line of the figure (gnuplot index), its title on the block's first line");
  EXPECT_EQ(lines[2], "# transfer.alpha ntg_mean ntg_ci_low ntg_ci_high runs");
  EXPECT_EQ(lines[3], "\"n₁ = 10\"");
  EXPECT_EQ(lines[4], "0 0 0 0 3");
  const auto half = numbers_of(lines[5]);
  ASSERT_EQ(half.size(), 5u);
  EXPECT_EQ(half[0], 0.5);
  EXPECT_EQ(half[1], 0.125);
  EXPECT_NEAR(half[2], 0.125 - half_width_3(0.015625), 1e-12);
  EXPECT_NEAR(half[3], 0.125 + half_width_3(0.015625), 1e-12);
  EXPECT_EQ(half[4], 3);
  EXPECT_TRUE(lines[6].rfind("1 0.25 ", 0) == 0) << lines[6];
  EXPECT_EQ(lines[7], "");
  EXPECT_EQ(lines[8], "");
  EXPECT_EQ(lines[9], "\"n₁ = 100\"");
  EXPECT_EQ(lines[15], "\"n₁ = 1000\"");
  EXPECT_EQ(figures[0].caption, "NTG against α (transfer.alpha): mean and 95% CI over seeds; one line per value of n₁");
  // Along n₁ the axis is log-spaced: said in the header, the caption and the file name.
  const auto by_n = plot({.kind = "ntg", .x = "upstream.n"});
  ASSERT_EQ(by_n.size(), 1u);
  EXPECT_EQ(by_n[0].data, path("figs/grid-ntg-upstream.n.dat"));
  const auto n_lines = lines_of(read(by_n[0].data));
  ASSERT_GE(n_lines.size(), 5u);
  EXPECT_EQ(n_lines[0], "# NTG against upstream.n (log axis): mean and 95% Student-t CI over the done runs of each point "
                        "(NaN: fewer than 2 runs)");
  EXPECT_EQ(n_lines[3], "\"α = 0.0\"");
  EXPECT_EQ(n_lines[4], "10 0 0 0 3");
  EXPECT_EQ(by_n[0].caption,
            "NTG against n₁ (upstream.n): mean and 95% CI over seeds; one line per value of α; log axis");
  EXPECT_NE(read(by_n[0].files[0]).find("n₁ (upstream.n)"), std::string::npos);
}

TEST_F(Formats, CurvesAndDynamicsDatHeadersAndRows) {
  const auto curves = plot({.kind = "curves"});
  ASSERT_EQ(curves.size(), 9u);  // one per grid point
  const report::Figure& c = curves[3];  // points in order of first run: α = 0.5, n₁ = 10
  EXPECT_EQ(c.files, std::vector<std::string>{path("figs/grid-curves-transfer.alpha=0.5-upstream.n=10.svg")});
  EXPECT_EQ(c.data, path("figs/grid-curves-transfer.alpha=0.5-upstream.n=10.dat"));
  EXPECT_EQ(c.caption, "Learning curves at α = 0.5, n₁ = 10: downstream test error (true labels), transfer vs scratch, "
                       "mean ± 1 std over seeds");
  EXPECT_EQ(lines_of(read(c.data)),
            (std::vector<std::string>{
                "# test error (true labels) against GD step, mean and ±1 std over seeds (std NaN: one run) at α = 0.5, n₁ = 10",
                "# one block per model (gnuplot index 0: transfer, 1: scratch), its name on the block's first line",
                "# step mean mean_minus_std mean_plus_std runs",
                "# transfer",
                "0 0.5 0.25 0.75 3",
                "10 0.125 0.125 0.125 3",
                "",
                "",
                "# scratch",
                "0 0.5 0.5 0.5 3",
                "",
                ""}));
  EXPECT_NE(read(c.files[0]).find("learning curves: α = 0.5, n₁ = 10"), std::string::npos);
  const auto dynamics = plot({.kind = "dynamics"});
  ASSERT_EQ(dynamics.size(), 9u);
  EXPECT_EQ(dynamics[0].data, path("figs/grid-dynamics-transfer.alpha=0.0-upstream.n=10.dat"));
  EXPECT_EQ(lines_of(read(dynamics[0].data)),
            (std::vector<std::string>{
                "# γ/ρ summaries (dynamics/trajectory.hpp) against GD step, mean over seeds at α = 0.0, n₁ = 10",
                "# one block per series phase/group/quantity (gnuplot index), named on the block's first line",
                "# step mean",
                "# upstream/all/gamma",
                "0 0",
                "40 2",
                "",
                ""}));
  EXPECT_EQ(dynamics[0].caption,
            "Signal learning (γ) and noise memorisation (ρ) at α = 0.0, n₁ = 10, mean over seeds; inherited and fresh "
            "filters apart");
}

TEST_F(Formats, ExportHeadersAndRows) {
  const auto study = store::Study::open_existing(path("grid.db"));
  const auto csv = lines_of(store::export_runs_csv(study));
  ASSERT_EQ(csv.size(), 1u + 27);
  EXPECT_EQ(csv[0],
            "run_hash,seed,status,transfer.alpha,upstream.n,"
            "upstream_status,upstream_steps,upstream_train_loss,upstream_train_error,upstream_test_error,"
            "upstream_test_error_true,upstream_wall_s,"
            "transfer_status,transfer_steps,transfer_train_loss,transfer_train_error,transfer_test_error,"
            "transfer_test_error_true,transfer_wall_s,"
            "scratch_status,scratch_steps,scratch_train_loss,scratch_train_error,scratch_test_error,"
            "scratch_test_error_true,scratch_wall_s,"
            "filters_inherited,entries_inherited,ntg,ntg_observed,wall_s,error");
  // The second run: α = 0, n₁ = 10, seed 1; only ntg is in its record.
  EXPECT_EQ(csv[2], "h00,1,done,0.0,10" + std::string(24, ',') + "0,,,");
  const auto jsonl = lines_of(store::export_runs_jsonl(study));
  ASSERT_EQ(jsonl.size(), 27u);
  EXPECT_EQ(jsonl[9], R"({"config":"","error":"","point":{"transfer.alpha":0.5,"upstream.n":10},"provenance":{},)"
                      R"("record":{"ntg":0.109375},"run_hash":"h10","seed":0,"status":"done"})");
  const auto curves = lines_of(store::export_curves_csv(study));
  ASSERT_EQ(curves.size(), 1u + 27 * 3);
  EXPECT_EQ(curves[0], "run_hash,seed,transfer.alpha,upstream.n,phase,step,train_loss,train_error,test_error,test_error_true");
  EXPECT_EQ(curves[1], "h00,0,0.0,10,transfer,0,0.7,0.5,0.5,0.25");
  EXPECT_EQ(curves[3], "h00,0,0.0,10,scratch,0,0.7,0.5,0.5,0.5");
}
