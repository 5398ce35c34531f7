#include "ptlab/report/html.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "ptlab/report/plot.hpp"
#include "support/study_runs.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ptlab;

namespace {

std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  pclose(pipe);
  return out;
}

class HtmlReport : public ptlab::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    const auto sweep = experiment::parse_sweep(std::string(ptlab::testing::kTinyModel) + R"(
[sweep]
seeds = 3
[[sweep.axis]]
key = "transfer.alpha"
values = [0.0, 1.0]
[[sweep.axis]]
key = "upstream.n"
values = [10, 40]
)",
                                               "report.toml");
    support::run_study(sweep, path("s.db"), 2);
    page_ = report::write_report(store::Study::open_existing((dir_ / "s.db").string()), (dir_ / "report").string());
    html_ = read(page_);
  }
  std::string page_, html_;
};

}  // namespace

TEST_F(HtmlReport, PageHoldsTableConfigAndFigures) {
  EXPECT_NE(html_.find("<th>transfer.alpha</th><th>upstream.n</th>"), std::string::npos);
  // α = 0 rows: transfer ≡ scratch, so equal errors, NTG exactly 0 with a CI of [0, 0], not significant.
  const std::regex alpha0("<tr><td>0</td><td>(10|40)</td><td>3</td><td>0</td><td>0</td><td>(0\\.\\d{4})</td><td>\\2</td>"
                          "<td>\\+0\\.0000</td><td>\\[\\+0\\.0000, \\+0\\.0000\\]</td><td class=\"n.s.\">n.s.</td></tr>");
  EXPECT_EQ(std::distance(std::sregex_iterator(html_.begin(), html_.end(), alpha0), std::sregex_iterator()), 2) << html_;
  const std::regex row("<tr><td>[^<]*</td><td>[^<]*</td><td>3</td>");
  EXPECT_EQ(std::distance(std::sregex_iterator(html_.begin(), html_.end(), row), std::sregex_iterator()), 4);
  EXPECT_NE(html_.find("[data]\nd = 60"), std::string::npos);  // the config, escaped as text
  const std::regex img("<img src=\"(figures/[^\"]+)\"");
  int images = 0;
  for (auto it = std::sregex_iterator(html_.begin(), html_.end(), img); it != std::sregex_iterator(); ++it, ++images)
    EXPECT_TRUE(fs::exists(dir_ / "report" / (*it)[1].str())) << (*it)[1].str();
  EXPECT_EQ(images, 1 + 1 + 4 + 4);  // NTG, phase, one learning-curve and one γ/ρ figure per point
  // Every figure opens full size on click: the image sits in a link to its own file.
  const std::regex linked("<a href=\"(figures/[^\"]+)\"><img src=\"\\1\"");
  EXPECT_EQ(std::distance(std::sregex_iterator(html_.begin(), html_.end(), linked), std::sregex_iterator()), images);
  // Figures are named after the study (s.db) and what they show; captions name the grid point in symbols.
  EXPECT_NE(html_.find("<a href=\"figures/s-ntg-transfer.alpha.svg\"><img src=\"figures/s-ntg-transfer.alpha.svg\""),
            std::string::npos);
  EXPECT_NE(html_.find("<figcaption>NTG against α (transfer.alpha): mean and 95% CI over seeds; one line per value of "
                       "n₁</figcaption>"),
            std::string::npos);
  EXPECT_NE(html_.find("<a href=\"figures/s-phase-transfer.alpha-upstream.n.svg\">"), std::string::npos);
  EXPECT_NE(html_.find("<a href=\"figures/s-curves-transfer.alpha=1-upstream.n=40.svg\">"), std::string::npos);
  EXPECT_NE(html_.find("<figcaption>Learning curves at α = 1, n₁ = 40: downstream test error (true labels), transfer "
                       "vs scratch, mean ± 1 std over seeds</figcaption>"),
            std::string::npos);
  EXPECT_NE(html_.find("<figcaption>Signal learning (γ) and noise memorisation (ρ) at α = 0, n₁ = 10, mean over seeds"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "report/figures/s-curves-transfer.alpha=1-upstream.n=40.dat"));
  EXPECT_NE(html_.find("<h2>Candidate indicators</h2>"), std::string::npos);
  EXPECT_NE(html_.find("<td>inherited_vs_scratch</td>"), std::string::npos);
  EXPECT_EQ(html_.find("http"), std::string::npos);  // nothing fetched: viewable offline
}

TEST_F(HtmlReport, APreviousReportIsReplacedWholeAndForeignFoldersAreRefusedUntouched) {
  const auto study = store::Study::open_existing((dir_ / "s.db").string());
  // A previous report is replaced: the new page is there, and nothing of the old one lingers.
  std::ofstream(dir_ / "report" / "figures" / "stale.svg") << "<svg></svg>";
  report::write_report(study, (dir_ / "report").string());
  EXPECT_FALSE(fs::exists(dir_ / "report" / "figures" / "stale.svg"));
  EXPECT_EQ(read(page_), html_);
  // No temporary is left beside it.
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
  // A folder holding anything else is not a report: refused, and its files keep their bytes.
  fs::create_directories(dir_ / "mine");
  std::ofstream(dir_ / "mine" / "notes.txt") << "keep me";
  try {
    report::write_report(study, (dir_ / "mine").string());
    ADD_FAILURE() << "a folder with notes.txt was taken as a report";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("holds notes.txt, which is not part of a report"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read((dir_ / "mine" / "notes.txt").string()), "keep me");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "mine"), fs::directory_iterator()), 1);
}

TEST_F(HtmlReport, HeadlessChromiumShowsEveryFigure) {
  if (std::system("command -v chromium > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium); the rendering check is skipped";
  const std::string profile = (dir_ / "chromium-profile").string();
  const std::string dom = run_command(
      "timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync --user-data-dir=" + profile +
      " --virtual-time-budget=5000 --dump-dom file://" + page_ + " 2>/dev/null");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("data-figures=\"(\\d+) of (\\d+)\""))) << dom.substr(0, 500);
  EXPECT_EQ(m[1].str(), m[2].str());
  EXPECT_EQ(m[2].str(), "10");
}

// A study of scratch-only runs has no NTG: the report draws the scratch test error's heatmap
// instead of the NTG figure and the phase diagram, and does not fail.
class HtmlReportScratch : public ptlab::testing::TempDirTest {};
TEST_F(HtmlReportScratch, ScratchOnlyStudyGetsAHeatmapNotAnNtgFigure) {
  const auto sweep = experiment::parse_sweep(std::string(ptlab::testing::kTinyModel) + R"(
[run]
phases = "scratch"
[sweep]
seeds = 2
[[sweep.axis]]
key = "data.norm_u"
values = [0.0, 2.0]
[[sweep.axis]]
key = "downstream.n"
values = [8, 16]
)",
                                             "scratch.toml");
  support::run_study(sweep, path("s.db"), 2);
  const std::string page = report::write_report(store::Study::open_existing(path("s.db")), path("report"));
  const std::string html = read(page);
  EXPECT_NE(html.find("figures/s-heatmap-scratch.test_error-data.norm_u-downstream.n.svg"), std::string::npos) << html;
  EXPECT_EQ(html.find("-ntg-"), std::string::npos);
  EXPECT_EQ(html.find("-phase-"), std::string::npos);
  // Asked for directly, the NTG figures refuse with one line instead of drawing an empty figure.
  const store::Study study = store::Study::open_existing(path("s.db"));
  for (const char* kind : {"ntg", "phase"}) {
    try {
      report::plot_study_figures(study, {.kind = kind, .out_dir = path("figs")});
      ADD_FAILURE() << kind << " drew a figure without NTG";
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("scratch-only runs have none"), std::string::npos) << e.what();
    }
  }
}

TEST(HtmlReportErrors, EmptyStudyIsAnInputError) {
  const fs::path db = fs::temp_directory_path() / ("ptlab_html_empty_" + std::to_string(getpid()) + ".db");
  { store::Study::open(db.string()); }
  EXPECT_THROW(report::write_report(store::Study::open_existing(db.string()), (db.string() + ".out")), core::InputError);
  fs::remove(db);
  fs::remove_all(db.string() + ".out");
}
