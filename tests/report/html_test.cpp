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
#include "ptlab/store/study_run.hpp"
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
    store::run_study(sweep, path("s.db"), {.threads = 2});
    page_ = report::write_report(store::Study::open_existing((dir_ / "s.db").string()), (dir_ / "report").string());
    html_ = read(page_);
  }
  std::string page_, html_;
};

}  // namespace

TEST_F(HtmlReport, PageHoldsTableConfigAndFigures) {
  EXPECT_NE(html_.find("<th>transfer.alpha</th><th>upstream.n</th>"), std::string::npos);
  EXPECT_EQ(std::count(html_.begin(), html_.end(), '\n') > 10, true);
  const std::regex row("<tr><td>[^<]*</td><td>[^<]*</td><td>3</td>");
  EXPECT_EQ(std::distance(std::sregex_iterator(html_.begin(), html_.end(), row), std::sregex_iterator()), 4);
  EXPECT_NE(html_.find("[data]\nd = 60"), std::string::npos);  // the config, escaped as text
  const std::regex img("<img src=\"(figures/[^\"]+)\"");
  int images = 0;
  for (auto it = std::sregex_iterator(html_.begin(), html_.end(), img); it != std::sregex_iterator(); ++it, ++images)
    EXPECT_TRUE(fs::exists(dir_ / "report" / (*it)[1].str())) << (*it)[1].str();
  EXPECT_EQ(images, 1 + 1 + 4 + 4);  // NTG, phase, one learning-curve and one γ/ρ figure per point
  EXPECT_NE(html_.find("<h2>Candidate indicators</h2>"), std::string::npos);
  EXPECT_NE(html_.find("<td>inherited_vs_scratch</td>"), std::string::npos);
  EXPECT_EQ(html_.find("http"), std::string::npos);  // nothing fetched: viewable offline
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

TEST(HtmlReportErrors, EmptyStudyIsAnInputError) {
  const fs::path db = fs::temp_directory_path() / ("ptlab_html_empty_" + std::to_string(getpid()) + ".db");
  { store::Study::open(db.string()); }
  EXPECT_THROW(report::write_report(store::Study::open_existing(db.string()), (db.string() + ".out")), core::InputError);
  fs::remove(db);
  fs::remove_all(db.string() + ".out");
}
