// `ptlab deep` output for machines: --out DIR (config.toml, summary.json, curves.csv), --format
// json|csv, the per-result lines in a log, and the flags it refuses. Runs a tiny experiment on
// generated IDX files (a few seconds) where the build has the deep half.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/report/deep_table.hpp"
#include "ptlab/store/run_dir.hpp"
#include "support/cli_run.hpp"
#include "support/image_files.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using ptlab::testing::CliResult;
using ptlab::testing::ptlab_cli;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> cells_of(const std::string& row) {
  std::vector<std::string> out;
  std::istringstream in(row);
  for (std::string cell; std::getline(in, cell, ',');) out.push_back(cell);
  return out;
}

class DeepOutput : public ptlab::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    ptlab::testing::write_idx(path("train-images-idx3-ubyte"), path("train-labels-idx1-ubyte"), ptlab::testing::corners(400, 1));
    ptlab::testing::write_idx(path("t10k-images-idx3-ubyte"), path("t10k-labels-idx1-ubyte"), ptlab::testing::corners(120, 2));
    // Upstream: 2 classes × 60 images in batches of 32 (4 batches) × 2 epochs; downstream: 2 × 10
    // images in batches of 8 (3 batches) × 2 epochs; α = 0 and 1, 2 seeds.
    config_ = write("deep.toml", "[data]\ndataset = \"idx\"\ndir = \"" + dir_.string() +
                                     "\"\n[upstream]\nclasses = [0, 1]\nper_class = 60\nepochs = 2\nbatch_size = 32\n"
                                     "[downstream]\nclasses = [2, 3]\nper_class = 10\nepochs = 2\nbatch_size = 8\n"
                                     "[transfer]\nalphas = [0.0, 1.0]\n[run]\nseeds = 2\nthreads = 1\ndevice = \"cpu\"\n");
  }
  // Bad input: exit 2, this one line on stderr, nothing on stdout, no output directory or store.
  void expect_refused(const std::vector<std::string>& args, const std::string& line) {
    const CliResult r = ptlab_cli(args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(r.err, line + "\n");
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(fs::exists(path("out")));
    EXPECT_FALSE(fs::exists(path("s.db")));
  }
  std::string config_;
};

}  // namespace

// GTEST_SKIP returns from the function it is in, so it must be in the test body itself.
#define SKIP_WITHOUT_DEEP_HALF() \
  if (!ptlab::experiment::deep_available()) GTEST_SKIP() << "built without LibTorch (the sanitizer build)"

TEST_F(DeepOutput, OutWritesTheExperimentAndJsonPrintsTheSameSummary) {
  SKIP_WITHOUT_DEEP_HALF();
  const CliResult r = ptlab_cli({"deep", config_, "--out", path("out"), "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  // config.toml reads back as the spec that ran.
  EXPECT_EQ(ptlab::experiment::load_deep_config(path("out/config.toml")), ptlab::experiment::load_deep_config(config_));
  // summary.json is what --format json printed, and nothing else went to stdout.
  const json summary = json::parse(read(path("out/summary.json")));
  EXPECT_EQ(json::parse(r.out), summary);
  EXPECT_EQ(summary["schema_version"], 1);
  EXPECT_EQ(summary["kind"], "deep");
  EXPECT_EQ(summary["setting_key"], "transfer.alpha");
  EXPECT_EQ(summary["config_hash"], ptlab::experiment::deep_run_hash(ptlab::experiment::load_deep_config(config_)));
  EXPECT_EQ(summary["seeds"], (json{{"first", 0}, {"count", 2}}));
  EXPECT_EQ(summary["threads"], 1);
  EXPECT_EQ(summary["device"], "cpu");
  EXPECT_EQ(summary["provenance"]["command"], "ptlab (test)");
  for (const char* key : {"ptlab_version", "git_sha", "compiler", "flags", "host", "started_utc", "command"})
    EXPECT_TRUE(summary["provenance"].contains(key)) << key;
  // Records: per seed, per setting, in the order they finished.
  const json& records = summary["records"];
  ASSERT_EQ(records.size(), 4u);
  const std::vector<std::pair<int, double>> order = {{0, 0.0}, {0, 1.0}, {1, 0.0}, {1, 1.0}};
  for (std::size_t i = 0; i < 4; ++i) {
    const json& rec = records[i];
    EXPECT_EQ(rec["kind"], "deep");
    EXPECT_EQ(rec["seed"], order[i].first) << i;
    EXPECT_EQ(rec["setting"], order[i].second) << i;
    const double transfer = rec["transfer"]["test_accuracy"].get<double>();
    const double scratch = rec["scratch"]["test_accuracy"].get<double>();
    EXPECT_DOUBLE_EQ(rec["gain_points"].get<double>(), 100.0 * (transfer - scratch)) << i;
    EXPECT_DOUBLE_EQ(rec["ntg"].get<double>(), scratch - transfer) << i;
    EXPECT_GE(rec["upstream"]["test_accuracy"].get<double>(), 0.0) << i;
    EXPECT_GE(rec["wall_s"].get<double>(), 0.0) << i;
  }
  // α = 0 inherits nothing: its transfer run is the scratch run.
  EXPECT_EQ(records[0]["gain_points"], 0.0);
  EXPECT_EQ(records[0]["copied_fraction"], 0.0);
  EXPECT_GT(records[1]["copied_fraction"].get<double>(), 0.9);
  // Summary: per setting, over the two seeds' records.
  const json& rows = summary["summary"];
  ASSERT_EQ(rows.size(), 2u);
  for (std::size_t s = 0; s < 2; ++s) {
    EXPECT_EQ(rows[s]["setting"], static_cast<double>(s));
    const json &a = records[s], &b = records[s + 2];
    EXPECT_EQ(rows[s]["gain_points"]["n"], 2);
    EXPECT_DOUBLE_EQ(rows[s]["gain_points"]["mean"].get<double>(), (a["gain_points"].get<double>() + b["gain_points"].get<double>()) / 2);
    EXPECT_DOUBLE_EQ(rows[s]["scratch"]["mean"].get<double>(),
                     (a["scratch"]["test_accuracy"].get<double>() + b["scratch"]["test_accuracy"].get<double>()) / 2);
    EXPECT_DOUBLE_EQ(rows[s]["transfer"]["mean"].get<double>(),
                     (a["transfer"]["test_accuracy"].get<double>() + b["transfer"]["test_accuracy"].get<double>()) / 2);
    EXPECT_EQ(rows[s]["transfer"]["ci95"].size(), 2u);
  }
  // curves.csv: the setting, then the study's curve columns; per record 2 upstream, 2 transfer and
  // 2 scratch epochs.
  const auto curves = lines_of(read(path("out/curves.csv")));
  ASSERT_EQ(curves.size(), 1u + 4 * (2 + 2 + 2));
  EXPECT_EQ(curves[0], std::string("transfer.alpha,") + ptlab::store::kCurvesHeader);
  EXPECT_EQ(curves[1].substr(0, curves[1].find(",", 4) + 1), "0,0,upstream,");
  EXPECT_EQ(std::count_if(curves.begin(), curves.end(), [](const std::string& l) { return l.rfind("1,1,transfer,", 0) == 0; }), 2);
  for (std::size_t i = 1; i < curves.size(); ++i) EXPECT_EQ(cells_of(curves[i]).size(), 8u) << curves[i];
  // The log: each finished (seed, setting) and one progress line per job that counts batches
  // (seed 0 and 1: 2 · 4 upstream + 3 · 2 · 2 scratch and α = 1; α = 0 is not trained).
  for (const char* line : {"seed 0: alpha = 0: transfer ", "seed 0: alpha = 1: transfer ", "seed 1: alpha = 0: transfer ",
                           "seed 1: alpha = 1: transfer "})
    EXPECT_NE(r.err.find(line), std::string::npos) << line << "\n" << r.err;
  for (const char* line : {"deep job 1/2 (point 1, seed 0): 20/20 batches (100%), ", "deep job 2/2 (point 1, seed 1): 20/20 batches (100%), "})
    EXPECT_NE(r.err.find(line), std::string::npos) << line << "\n" << r.err;
  // Nothing temporary is left beside the directory.
  for (const auto& e : fs::directory_iterator(dir_)) EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos);

  // An existing directory is refused; --force replaces a previous output directory.
  const CliResult again = ptlab_cli({"deep", config_, "--out", path("out")});
  EXPECT_EQ(again.code, 2);
  EXPECT_EQ(again.err, "ptlab: --out " + path("out") + ": already exists; expected a new directory (or --force to "
                       "replace a previous ptlab output directory)\n");
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(json::parse(read(path("out/summary.json"))), summary);
  const CliResult csv = ptlab_cli({"deep", config_, "--out", path("out"), "--force", "--format", "csv", "--seeds", "1"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  const json replaced = json::parse(read(path("out/summary.json")));
  ASSERT_EQ(replaced["records"].size(), 2u);
  // csv: one row per (seed, setting) record, the same numbers as summary.json's records (seed 0
  // is the same run as above, to the bit).
  const auto table = lines_of(csv.out);
  ASSERT_EQ(table.size(), 3u) << csv.out;
  EXPECT_EQ(table[0], std::string("seed,transfer.alpha,") + ptlab::report::kDeepRecordsCsvColumns);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto cells = cells_of(table[i + 1]);
    ASSERT_EQ(cells.size(), 12u) << table[i + 1];  // validation cells empty: no validation set
    const json& rec = replaced["records"][i];
    EXPECT_EQ(cells[0], "0");
    EXPECT_EQ(std::stod(cells[1]), rec["setting"].get<double>());
    EXPECT_EQ(std::stod(cells[2]), rec["upstream"]["test_accuracy"].get<double>());
    EXPECT_EQ(std::stod(cells[3]), rec["transfer"]["test_accuracy"].get<double>());
    EXPECT_EQ(std::stod(cells[4]), rec["scratch"]["test_accuracy"].get<double>());
    EXPECT_EQ(std::stod(cells[5]), rec["gain_points"].get<double>());
    EXPECT_EQ(std::stod(cells[6]), rec["copied_fraction"].get<double>());
    EXPECT_EQ(std::stod(cells[7]), rec["wall_s"].get<double>());
    for (const char* key : {"setting", "upstream", "transfer", "scratch", "gain_points", "copied_fraction"})
      EXPECT_EQ(rec[key], records[i][key]) << key;
  }
  EXPECT_EQ(table[1].substr(0, 4), "0,0,");
  EXPECT_EQ(cells_of(table[1])[5], "0");  // α = 0: gain exactly 0
}

TEST_F(DeepOutput, TableOutEndsWithWhereTheResultsWent) {
  SKIP_WITHOUT_DEEP_HALF();
  const CliResult r = ptlab_cli({"deep", config_, "--seeds", "1", "--set", "transfer.alphas=[0.5]", "--out", path("runs/a")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("transfer acc"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.substr(r.out.size() - std::string("results written to " + path("runs/a") + "/\n").size()),
            "results written to " + path("runs/a") + "/\n");
  EXPECT_EQ(lines_of(read(path("runs/a/curves.csv"))).size(), 1u + 6);
  EXPECT_EQ(ptlab::experiment::load_deep_config(path("runs/a/config.toml")).alphas, (std::vector<double>{0.5}));
}

TEST_F(DeepOutput, FlagsThatDoNotCombineAreOneLineAndWriteNothing) {
  // These are refused before anything runs, so they need no deep half.
  const std::string out = path("out");
  expect_refused({"deep", config_, "--format", "xml"},
                 "ptlab: --format: xml not in {table,json,csv} (see ptlab deep --help)");
  expect_refused({"deep", config_, "--out", out, "--store", path("s.db")},
                 "ptlab: --out " + out + " and --store " + path("s.db") + ": expected one of them (--out writes one "
                 "experiment's directory; --store keeps every run in a study: ptlab export reads it)");
  expect_refused({"deep", config_, "--format", "json", "--show-transfer"},
                 "ptlab: --show-transfer prints a text report; expected --format table, got --format json");
  const std::string sweep = write("sweep.toml", read(config_) + "[sweep]\n[[sweep.axis]]\nkey = \"downstream.lr\"\n"
                                                                "values = [0.05, 0.1]\n");
  expect_refused({"deep", sweep, "--out", out},
                 "ptlab: " + sweep + ": a [sweep] grid of 2 points; --out covers one experiment: expected --store FILE "
                 "(then ptlab export FILE for CSV or JSON Lines)");
  expect_refused({"deep", sweep, "--format", "csv"},
                 "ptlab: " + sweep + ": a [sweep] grid of 2 points; --format csv covers one experiment: expected "
                 "--store FILE (then ptlab export FILE for CSV or JSON Lines)");
  // An existing directory that ptlab did not write: refused, even with --force, and kept.
  fs::create_directories(path("mine"));
  std::ofstream(path("mine/keep.txt")) << "x";
  const CliResult mine = ptlab_cli({"deep", config_, "--out", path("mine"), "--force"});
  EXPECT_EQ(mine.code, 2);
  EXPECT_EQ(mine.err, "ptlab: --out " + path("mine") + ": exists and is not a ptlab output directory (exactly "
                      "config.toml, summary.json, curves.csv); refusing to replace it\n");
  EXPECT_EQ(mine.out, "");
  EXPECT_EQ(read(path("mine/keep.txt")), "x");
  EXPECT_EQ(std::distance(fs::directory_iterator(path("mine")), fs::directory_iterator{}), 1);
  expect_refused({"deep", config_, "--out", ""}, "ptlab: --out: expected a directory path, got an empty string");
}
