// The CLI, run in-process: exit codes, one-line errors, nothing written on bad input.
#include "cli.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/report/table.hpp"
#include "ptlab/store/run_dir.hpp"
#include "support/cli_run.hpp"
#include "support/csv_rows.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

using Result = ptlab::testing::CliResult;
using ptlab::testing::ptlab_cli;

class Cli : public ptlab::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write("tiny.toml",
          "[data]\nd = 60\nn_test = 100\n[upstream]\nn = 20\nsteps = 40\n[downstream]\nn = 8\nsteps = 40\n"
          "[model]\nm = 4\n[run]\nseeds = 2\ncurve_every = 10\n");
  }
  // Bad input: exit 2, exactly one line on stderr, nothing on stdout, no output directory.
  // s.toml: a sweep of a tiny model over transfer.alpha = [VALUES] with `seeds` seeds.
  std::string write_alpha_sweep(int seeds, const std::string& values) {
    return write("s.toml", "[data]\nd = 60\nn_test = 100\n[upstream]\nn = 20\nsteps = 40\n[downstream]\nn = 8\n"
                           "steps = 40\n[model]\nm = 4\n[sweep]\nseeds = " + std::to_string(seeds) +
                           "\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nvalues = [" + values + "]\n");
  }
  void expect_bad_input(const std::vector<std::string>& args, const std::string& fragment) {
    const Result r = ptlab_cli(args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(fs::exists(path("out")));
  }
};

}  // namespace

TEST_F(Cli, RunPrintsATableAndWritesTheOutputDirectory) {
  const Result r = ptlab_cli({"run", path("tiny.toml"), "--out", path("out"), "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("verdict:"), std::string::npos);
  EXPECT_NE(r.out.find("ntg"), std::string::npos);
  EXPECT_NE(r.out.find("\n  sampling:   direct\n"), std::string::npos) << r.out;
  // auto says what it picked (d = 60 > 3 + 4m + n1 + n2 = 47 coordinates: reduced).
  const Result a = ptlab_cli({"run", path("tiny.toml"), "--set", "data.sampling=auto", "--seeds", "1"});
  EXPECT_NE(a.out.find("\n  sampling:   auto: reduced\n"), std::string::npos) << a.out;
  const Result sc = ptlab_cli({"run", path("tiny.toml"), "--set", "run.phases=scratch", "--seeds", "1"});
  EXPECT_NE(sc.out.find("(scratch only)"), std::string::npos) << sc.out;
  ASSERT_TRUE(fs::exists(path("out/config.toml")));
  std::ifstream summary_file(path("out/summary.json"));
  const auto j = nlohmann::json::parse(summary_file);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["records"].size(), 2u);
  EXPECT_EQ(j["seeds"]["count"], 2);
  for (const char* key : {"ptlab_version", "git_sha", "compiler", "host", "started_utc", "command"})
    EXPECT_TRUE(j["provenance"].contains(key)) << key;
  std::ifstream curves(path("out/curves.csv"));
  std::string header;
  std::getline(curves, header);
  EXPECT_EQ(header, ptlab::store::kCurvesHeader);
  // 2 seeds × 3 phases × (steps 0, 10, 20, 30, 40) rows.
  int rows = 0;
  for (std::string line; std::getline(curves, line);) ++rows;
  EXPECT_EQ(rows, 2 * 3 * 5);
  // No temporary directory is left beside it.
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos);
}

TEST_F(Cli, RecordedConfigReproducesTheRun) {
  ASSERT_EQ(ptlab_cli({"run", path("tiny.toml"), "--set", "transfer.alpha=0.75", "--out", path("out")}).code, 0);
  const Result again = ptlab_cli({"run", path("out/config.toml"), "--format", "json"});
  ASSERT_EQ(again.code, 0) << again.err;
  std::ifstream first_file(path("out/summary.json"));
  const auto first = nlohmann::json::parse(first_file);
  const auto second = nlohmann::json::parse(again.out);
  EXPECT_EQ(first["config_hash"], second["config_hash"]);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(first["records"][i]["ntg"], second["records"][i]["ntg"]);
    EXPECT_EQ(first["records"][i]["transfer"]["train_loss"], second["records"][i]["transfer"]["train_loss"]);
  }
}

TEST_F(Cli, CsvFormatHasThePinnedHeaderAndOneRowPerSeed) {
  const Result r = ptlab_cli({"run", path("tiny.toml"), "--format", "csv", "--seeds", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), ptlab::report::kSeedsCsvHeader);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4);
}

TEST_F(Cli, DefaultConfigPrintsEveryKeyAndLoadsBack) {
  const Result r = ptlab_cli({"config", "--default"});
  ASSERT_EQ(r.code, 0);
  const std::string file = write("default.toml", r.out);
  const Result resolved = ptlab_cli({"config", file});
  ASSERT_EQ(resolved.code, 0) << resolved.err;
  EXPECT_EQ(r.out.substr(r.out.find('\n') + 1), resolved.out);
}

TEST_F(Cli, HelpOnEverySubcommand) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"run", "--help"}, {"config", "--help"}}) {
    const Result r = ptlab_cli(args);
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
  EXPECT_NE(ptlab_cli({"run", "--help"}).out.find("--seeds"), std::string::npos);
}

TEST_F(Cli, BadInputIsOneLineExitTwoAndWritesNothing) {
  const std::string tiny = path("tiny.toml");
  const std::string out = path("out");
  expect_bad_input({"run", tiny, "--set", "transfer.alpah=0.3", "--out", out}, "did you mean 'transfer.alpha'?");
  expect_bad_input({"run", tiny, "--set", "transfer.alpha=1.5", "--out", out}, "expected a number in [0, 1]");
  expect_bad_input({"run", tiny, "--set", "upstream.n=0", "--out", out}, "upstream.n = 0");
  expect_bad_input({"run", tiny, "--set", "downstream.p=0.5", "--out", out}, "downstream.p = 0.5");
  expect_bad_input({"run", tiny, "--set", "data.d=2", "--out", out}, "data.d = 2");
  expect_bad_input({"run", tiny, "--set", "upstream.eta=0", "--out", out}, "upstream.eta = 0");
  expect_bad_input({"run", tiny, "--set", "data.sampling=reduced", "--set", "data.d=10", "--out", out},
                   "data.sampling = \"reduced\" is not exact here: it needs d − 3 ≥ 4m + n1 + n2");
  expect_bad_input({"run", tiny, "--set", "data.sampling=reduced", "--set", "data.d=100000", "--set", "transfer.rule=entry",
                    "--out", out}, "expected data.sampling = \"direct\"");
  expect_bad_input({"run", tiny, "--set", "data.sampling=fast", "--out", out}, "one of \"direct\", \"reduced\", \"auto\"");
  expect_bad_input({"run", tiny, "--set", "model.bias=true", "--out", out}, "model.bias = true needs run.phases = \"scratch\"");
  expect_bad_input({"run", tiny, "--set", "model.m=\"x\"", "--out", out}, "expected an integer");
  expect_bad_input({"run", path("missing.toml"), "--out", out}, "cannot read config file");
  expect_bad_input({"run", write("bad.toml", "[data\nd = 3\n"), "--out", out}, "malformed TOML");
  expect_bad_input({"run", write("typo.toml", "[model]\nn = 3\n"), "--out", out}, "unknown key 'model.n'");
  expect_bad_input({"run", tiny, "--seeds", "0", "--out", out}, "--seeds");
  expect_bad_input({"run", tiny, "--format", "xml"}, "--format");
  expect_bad_input({"run"}, "config");
  expect_bad_input({"frobnicate"}, "frobnicate");
  expect_bad_input({"run", tiny, "--out", write("afile", "x") + "/out"}, "is not a directory");
  expect_bad_input({"run", tiny, "--out", ""}, "expected a directory path");
  expect_bad_input({"run", tiny, "--seeds", "abc"}, "--seeds: expected an integer in [1, 1000000], got 'abc' (see ptlab run --help)");
  expect_bad_input({"run", tiny, "--threads", "100000"}, "--threads: expected an integer in [1, 1024]");
  expect_bad_input({"run", tiny, "--out", "--force"}, "looks like a flag");
  expect_bad_input({"run", tiny, "--set", "transfer.alpha=0.5\ndata.d=3"}, "line break");
  expect_bad_input({"run", write("nl.toml", "[transfer]\nrule = \"a\\nb\"\n")}, "rule = \"a\\nb\"");
  expect_bad_input({"run", write("deep.toml", std::string(200, 'a') + "\n" + [] {
                      std::string k = "a";
                      for (int i = 0; i < 30000; ++i) k += ".a";
                      return k + " = 1\n";
                    }())}, "more than 64 dots");
  expect_bad_input({"run", "/dev/zero"}, "is not a regular file");
  expect_bad_input({"run", "/proc/self/mem"}, "is a kernel pseudo file");
  expect_bad_input({"run", "/proc/self/status"}, "is a kernel pseudo file");
  fs::create_symlink(path("loop_b"), path("loop_a"));
  fs::create_symlink(path("loop_a"), path("loop_b"));
  expect_bad_input({"run", path("loop_a")}, "Too many levels of symbolic links");
  expect_bad_input({"run", path(std::string(300, 'n') + ".toml")}, "File name too long");
  ::mkfifo(path("fifo").c_str(), 0600);
  expect_bad_input({"run", path("fifo")}, "is not a regular file");  // refused, not waited on
  expect_bad_input({"run", ""}, "config path is empty");
  expect_bad_input({"run", tiny, "--out", "/proc/ptlab-x"}, "cannot create a directory in /proc");
  expect_bad_input({"run", tiny, "--set", "data.d=4294967299"}, "expected an integer in [3, 2147483647]");
  expect_bad_input({"run", tiny, "--set", "data.d=2000000000"}, "more than 90% of this machine's");
  expect_bad_input({"run", dir_.string()}, "is a directory");
}

TEST_F(Cli, ExistingOutputDirectoryIsRefusedUnlessForced) {
  const std::string tiny = path("tiny.toml");
  ASSERT_EQ(ptlab_cli({"run", tiny, "--out", path("out")}).code, 0);
  const Result again = ptlab_cli({"run", tiny, "--out", path("out")});
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
  EXPECT_EQ(again.out, "");  // refused before running
  // --force replaces a previous ptlab output directory (trailing slash or not) ...
  EXPECT_EQ(ptlab_cli({"run", tiny, "--out", path("out") + "/", "--force", "--seeds", "3"}).code, 0);
  std::ifstream summary_file(path("out/summary.json"));
  EXPECT_EQ(nlohmann::json::parse(summary_file)["records"].size(), 3u);
  // A temporary left by a writer that was killed (its process gone) is removed by the next write;
  // one whose writer still runs (here pid 1) is left alone; the swap leaves no temporary behind.
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const std::string stale = path(".out.partial-" + std::to_string(dead)), live = path(".out.partial-1");
  fs::create_directories(stale);
  std::ofstream(stale + "/summary.json") << "{";
  fs::create_directories(live);
  EXPECT_EQ(ptlab_cli({"run", tiny, "--out", path("out"), "--force", "--seeds", "2"}).code, 0);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  fs::remove(live);
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".out.partial-"), std::string::npos) << e.path();
  std::ifstream again_file(path("out/summary.json"));
  EXPECT_EQ(nlohmann::json::parse(again_file)["records"].size(), 2u);
}

TEST_F(Cli, ForceNeverReplacesOtherDirectories) {
  const std::string tiny = path("tiny.toml");
  fs::create_directories(path("mine"));
  std::ofstream(path("mine/keep.txt")) << "x";
  const Result r = ptlab_cli({"run", tiny, "--out", path("mine"), "--force"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is not a ptlab output directory"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(path("mine/keep.txt")));
  // Nor a directory that merely has ptlab's file names.
  fs::create_directories(path("fake"));
  for (const char* f : {"config.toml", "summary.json", "curves.csv"}) std::ofstream(path("fake/") + f) << "{}";
  EXPECT_EQ(ptlab_cli({"run", tiny, "--out", path("fake"), "--force"}).code, 2);
  EXPECT_TRUE(fs::exists(path("fake/curves.csv")));
  // Nor the working directory or its ancestors, even spelled indirectly or through a symlink.
  fs::create_directory_symlink(dir_, path("link"));
  const fs::path cwd = fs::current_path();
  fs::current_path(path("mine"));
  for (const std::string& out : std::vector<std::string>{".", "./", "sub/..", "..", path("link") + "/mine", path("link")}) {
    const Result w = ptlab_cli({"run", tiny, "--out", out, "--force"});
    EXPECT_EQ(w.code, 2) << out;
    EXPECT_NE(w.err.find("is the working directory or contains it"), std::string::npos) << w.err;
  }
  fs::current_path(cwd);
  EXPECT_TRUE(fs::exists(path("mine/keep.txt")));
}

TEST_F(Cli, MissingParentsOfOutAreCreated) {
  ASSERT_EQ(ptlab_cli({"run", path("tiny.toml"), "--out", path("runs/a/b")}).code, 0);
  EXPECT_TRUE(fs::exists(path("runs/a/b/summary.json")));
}

TEST_F(Cli, NonUtf8CommandLinesAreRecordedSafely) {
  std::ostringstream out, err;
  ptlab::cli::Io quiet{out, err, false, std::string("ptlab run caf\xe9.toml --out r\xe9s")};
  ASSERT_EQ(ptlab::cli::run({"run", path("tiny.toml"), "--out", path("r\xe9s")}, quiet), 0) << err.str();
  std::ifstream summary(path("r\xe9s/summary.json"));
  EXPECT_EQ(nlohmann::json::parse(summary)["provenance"]["command"], "ptlab run caf?.toml --out r?s");
}

TEST_F(Cli, SweepRunsResumesAndExports) {
  const std::string sweep = write_alpha_sweep(2, "0.0, 0.5");
  const Result first = ptlab_cli({"sweep", sweep, "--store", path("s.db")});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("2 points x 2 seeds = 4 runs; ran 4 (0 failed), skipped 0"), std::string::npos) << first.out;
  const Result second = ptlab_cli({"sweep", sweep, "--store", path("s.db")});
  EXPECT_NE(second.out.find("ran 0 (0 failed), skipped 4"), std::string::npos) << second.out;
  ASSERT_EQ(ptlab_cli({"export", path("s.db"), "--csv", "--out", path("runs.csv")}).code, 0);
  std::ifstream csv(path("runs.csv"));
  int lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  EXPECT_EQ(lines, 5);
  const Result jsonl = ptlab_cli({"export", path("s.db"), "--jsonl"});
  EXPECT_EQ(std::count(jsonl.out.begin(), jsonl.out.end(), '\n'), 4);
}

TEST_F(Cli, BadSweepsAndExportsWriteNothing) {
  const std::string bad_axis = write("bad.toml", "[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpah\"\nvalues = [0.1]\n");
  expect_bad_input({"sweep", bad_axis, "--store", path("out")}, "did you mean 'transfer.alpha'?");
  const std::string empty_axis = write("empty.toml", "[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nvalues = []\n");
  expect_bad_input({"sweep", empty_axis, "--store", path("out")}, "is empty");
  // A point that a key combination rules out is refused before the store exists, like the rest.
  const std::string bias_axis = write("bias.toml", "[sweep]\n[[sweep.axis]]\nkey = \"model.bias\"\nvalues = [false, true]\n");
  expect_bad_input({"sweep", bias_axis, "--store", path("out")}, "sweep point model.bias = true: model.bias = true needs");
  expect_bad_input({"advise", path("tiny.toml"), "--set", "model.bias=true", "--set", "run.phases=scratch"},
                   "the upstream and transfer phases take no bias");
  expect_bad_input({"sweep", path("tiny.toml"), "--store", path("out")}, "no [sweep] table");
  const std::string huge = write("huge.toml", "[data]\nd = 2000000000\n[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nvalues = [0.1]\n");
  expect_bad_input({"sweep", huge, "--store", path("out")}, "more than 90% of this machine's");
  expect_bad_input({"export", path("out")}, "no such study file");
  expect_bad_input({"export", path("tiny.toml")}, "not a ptlab study store");
  expect_bad_input({"run", write("sw.toml", "[sweep]\nseeds = 2\n")}, "expected `ptlab sweep");
}

TEST_F(Cli, IoFailuresAreOneLineExitThree) {
  const std::string sweep = write_alpha_sweep(1, "0.5");
  ASSERT_EQ(ptlab_cli({"sweep", sweep, "--store", path("s.db")}).code, 0);
  // /dev/full fails every write with ENOSPC, like a full disk; the device itself is left alone.
  const Result full = ptlab_cli({"export", path("s.db"), "--csv", "--out", "/dev/full"});
  EXPECT_EQ(full.code, 3) << full.err;
  EXPECT_EQ(full.err, "ptlab: I/O error: --out /dev/full: cannot write: No space left on device\n");
  EXPECT_EQ(full.out, "");
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
  // Naming a place that cannot hold a file stays bad input.
  expect_bad_input({"export", path("s.db"), "--out", path("no/such/dir/runs.csv")}, "is not an existing directory");
  expect_bad_input({"export", path("s.db"), "--out", dir_.string()}, "is a directory");
  // A run directory on a full disk: a one-page tmpfs holds config.toml but not the rest; needs root.
  const std::string mnt = path("small");
  fs::create_directories(mnt);
  if (std::system(("mount -t tmpfs -o size=4k tmpfs " + mnt + " 2>/dev/null").c_str()) != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?); the full-disk run check is skipped";
  const Result run = ptlab_cli({"run", path("tiny.toml"), "--out", mnt + "/run"});
  EXPECT_EQ(run.code, 3) << run.err;
  EXPECT_EQ(run.err.rfind("ptlab: I/O error: --out " + mnt + "/run: cannot write ", 0), 0u) << run.err;
  EXPECT_NE(run.err.find("No space left on device"), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_TRUE(fs::is_empty(mnt));  // nothing half-written
  // Figures and reports on the full disk: one line, exit 3, and the disk holds nothing afterwards
  // (no empty or truncated figure listed as made).
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"plot", path("s.db"), "--kind", "curves", "--out", mnt + "/figures"},
        std::vector<std::string>{"report", path("s.db"), "--out", mnt + "/report"}}) {
    const Result r = ptlab_cli(args);
    EXPECT_EQ(r.code, 3) << args[0] << ": " << r.err;
    EXPECT_EQ(r.out, "") << args[0];
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(fs::is_empty(mnt)) << args[0];
  }
  EXPECT_EQ(std::system(("umount " + mnt).c_str()), 0);
}

TEST_F(Cli, ShardsMergeIntoTheSameRecordsAsOneProcess) {
  const std::string sweep = write_alpha_sweep(3, "0.0, 0.5, 1.0");
  ASSERT_EQ(ptlab_cli({"sweep", sweep, "--store", path("whole.db")}).code, 0);
  for (const char* shard : {"0/2", "1/2"}) {
    const Result r = ptlab_cli({"sweep", sweep, "--shard", shard, "--store", path("shard.db")});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("to other shards"), std::string::npos);
  }
  const Result merged =
      ptlab_cli({"merge", path("merged.db"), path("shard.shard-0-of-2.db"), path("shard.shard-1-of-2.db")});
  ASSERT_EQ(merged.code, 0) << merged.err;
  EXPECT_EQ(merged.out, "merged 9 runs from 2 stores into " + path("merged.db") + " (0 already there)\n");
  // Same runs, same numbers (CSV sorted by run and seed; wall-clock columns dropped).
  const auto table = [&](const std::string& db) {
    return ptlab::testing::pure_rows(ptlab_cli({"export", db, "--csv"}).out);
  };
  EXPECT_EQ(table(path("whole.db")), table(path("merged.db")));
  // Merging again copies nothing.
  EXPECT_NE(ptlab_cli({"merge", path("merged.db"), path("shard.shard-0-of-2.db")}).out.find("merged 0 runs"),
            std::string::npos);
  expect_bad_input({"sweep", sweep, "--shard", "2/2"}, "expected I/N with 0 ≤ I < N");
  expect_bad_input({"sweep", sweep, "--shard", "x"}, "expected I/N");
  expect_bad_input({"merge", path("m2.db"), path("nope.db")}, "no such study file");
  EXPECT_FALSE(fs::exists(path("m2.db")));
}

TEST_F(Cli, MergeIntoATruncatedStoreIsRefusedAndLeavesItsBytes) {
  const std::string sweep = write_alpha_sweep(2, "0.0, 0.5");
  ASSERT_EQ(ptlab_cli({"sweep", sweep, "--store", path("a.db")}).code, 0);
  ASSERT_EQ(ptlab_cli({"sweep", sweep, "--store", path("b.db")}).code, 0);
  fs::resize_file(path("b.db"), fs::file_size(path("b.db")) / 2);
  const std::string before = read(path("b.db"));
  const Result r = ptlab_cli({"merge", path("b.db"), path("a.db")});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "ptlab: " + path("b.db") + ": not a readable SQLite study store: database disk image is malformed\n");
  EXPECT_EQ(read(path("b.db")), before);
  // As a source too: nothing is merged from it, and no output store is created.
  const Result from = ptlab_cli({"merge", path("c.db"), path("b.db")});
  EXPECT_EQ(from.code, 2) << from.out;
  EXPECT_FALSE(fs::exists(path("c.db")));
}

TEST_F(Cli, OutputPathsThroughASymlinkLoopAreOneLineAndTheLinksAreKept) {
  const std::string sweep = write_alpha_sweep(2, "0.0, 0.5");
  ASSERT_EQ(ptlab_cli({"sweep", sweep, "--store", path("a.db")}).code, 0);
  fs::create_symlink(path("loop2"), path("loop1"));
  fs::create_symlink(path("loop1"), path("loop2"));
  const std::string loop = "Too many levels of symbolic links";
  expect_bad_input({"run", path("tiny.toml"), "--out", path("loop1") + "/x"}, loop);
  expect_bad_input({"plot", path("a.db"), "--kind", "curves", "--out", path("loop1")}, loop);
  expect_bad_input({"report", path("a.db"), "--out", path("loop1")}, "exists and is not a directory");
  expect_bad_input({"export", path("a.db"), "--out", path("loop1") + "/x.csv"}, "is not an existing directory");
  for (const char* link : {"loop1", "loop2"}) EXPECT_TRUE(fs::is_symlink(path(link))) << link;  // never removed
}

TEST_F(Cli, ExportNeverReplacesAStudyOrALink) {
  const std::string sweep = write_alpha_sweep(1, "0.5");
  ASSERT_EQ(ptlab_cli({"sweep", sweep, "--store", path("a.db")}).code, 0);
  const std::string before = read(path("a.db"));
  // Onto the study itself (it used to become a CSV), or onto another study.
  expect_bad_input({"export", path("a.db"), "--csv", "--out", path("a.db")}, "is a SQLite database (a study store?)");
  EXPECT_EQ(read(path("a.db")), before);
  fs::create_symlink(path("a.db"), path("link.csv"));
  expect_bad_input({"export", path("a.db"), "--csv", "--out", path("link.csv")}, "is a symbolic link");
  EXPECT_TRUE(fs::is_symlink(path("link.csv")));
  // A previous export is replaced as before.
  ASSERT_EQ(ptlab_cli({"export", path("a.db"), "--csv", "--out", path("runs.csv")}).code, 0);
  ASSERT_EQ(ptlab_cli({"export", path("a.db"), "--csv", "--out", path("runs.csv")}).code, 0);
}

TEST_F(Cli, AHugeRefusedValueIsShortenedInItsErrorLine) {
  // A 100,000-character value for a choice key: the line keeps its head (the place) and its tail
  // (what was expected) and says how much it left out.
  const std::string config = write("huge.toml", "[transfer]\nrule = \"" + std::string(100000, 'x') + "\"\n");
  const Result r = ptlab_cli({"run", config});
  EXPECT_EQ(r.code, 2);
  EXPECT_LT(r.err.size(), 3000u) << r.err.size();
  EXPECT_EQ(r.err.rfind("ptlab: " + config + ":2: transfer.rule = \"xxx", 0), 0u) << r.err.substr(0, 200);
  EXPECT_NE(r.err.find("characters…]"), std::string::npos);
  EXPECT_NE(r.err.find("expected one of \"filter\", \"entry\""), std::string::npos) << r.err.substr(r.err.size() - 300);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST_F(Cli, OneStudyHoldsOneSweep) {
  const std::string sweep_text = std::string(ptlab::testing::kTinyModel) +
                                 "[sweep]\nseeds = 2\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nvalues = [0.0, 1.0]\n";
  const std::string a = write("a.toml", sweep_text);
  ASSERT_EQ(ptlab_cli({"sweep", a, "--store", path("a.db")}).code, 0);
  // Another base config into the same store is refused; more seeds are welcome.
  const Result other = ptlab_cli({"sweep", a, "--store", path("a.db"), "--set", "data.d=61"});
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.err.find("holds another sweep"), std::string::npos) << other.err;
  const std::string more = write("more.toml", std::string(ptlab::testing::kTinyModel) +
                                                  "[sweep]\nseeds = 3\n[[sweep.axis]]\nkey = \"transfer.alpha\"\n"
                                                  "values = [0.0, 0.5, 1.0]\n");
  const Result grown = ptlab_cli({"sweep", more, "--store", path("a.db")});
  EXPECT_EQ(grown.code, 0) << grown.err;
  EXPECT_NE(grown.out.find("ran 5 (0 failed), skipped 4"), std::string::npos) << grown.out;
  // A --set on an axis key would be ignored: refused.
  expect_bad_input({"sweep", a, "--set", "transfer.alpha=0.3", "--store", path("out")}, "is an axis of this sweep");
  // Shards of a --store get their own files; merge refuses mixing sweeps.
  ASSERT_EQ(ptlab_cli({"sweep", a, "--store", path("s.db"), "--shard", "0/2"}).code, 0);
  EXPECT_TRUE(fs::exists(path("s.shard-0-of-2.db")));
  EXPECT_FALSE(fs::exists(path("s.db")));
  ASSERT_EQ(ptlab_cli({"sweep", a, "--store", path("b.db"), "--set", "data.d=61"}).code, 0);
  const Result mixed = ptlab_cli({"merge", path("m.db"), path("a.db"), path("b.db")});
  EXPECT_EQ(mixed.code, 2);
  EXPECT_NE(mixed.err.find("hold different sweeps"), std::string::npos) << mixed.err;
  EXPECT_FALSE(fs::exists(path("m.db")));
}

TEST_F(Cli, TheoryPrintsRegimesAndIndicators) {
  const Result r = ptlab_cli({"theory", PTLAB_SOURCE_DIR "/configs/paper.toml"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("downstream"), std::string::npos);
  EXPECT_NE(r.out.find("0.04"), std::string::npos);  // n2‖μ2‖⁴/(σ⁴d) = 20·4/2000
  EXPECT_NE(r.out.find("harmful"), std::string::npos);
  EXPECT_NE(r.out.find("HYPOTHESES"), std::string::npos);
  EXPECT_NE(r.out.find("0.398  positive transfer (> 0)"), std::string::npos) << r.out;
  const Result benign = ptlab_cli({"theory", path("tiny.toml"), "--set", "downstream.n=100000"});
  EXPECT_NE(benign.out.find("benign"), std::string::npos);
  expect_bad_input({"theory", path("missing.toml")}, "missing.toml");
  expect_bad_input({"theory", path("tiny.toml"), "--set", "data.dd=3"}, "data.dd");
}

TEST_F(Cli, VerifyAndPlotRejectBadArguments) {
  expect_bad_input({"verify", "--threads", "0"}, "--threads");
  expect_bad_input({"verify", "extra"}, "extra");
  fs::create_directories(path("rundir"));
  expect_bad_input({"plot", path("rundir"), "--kind", "dynamics"}, "dynamics.csv");
  expect_bad_input({"plot", path("rundir"), "--kind", "phase"}, "expected curves or dynamics");
}

TEST_F(Cli, RunWritesDynamicsThatPlotReads) {
  ASSERT_EQ(ptlab_cli({"run", path("tiny.toml"), "--out", path("res"), "--set", "dynamics.every=10", "--set",
                       "dynamics.full=true"}).code, 0);
  const std::string summary = read(path("res/dynamics.csv"));
  EXPECT_EQ(summary.substr(0, summary.find('\n')), "seed,phase,step,group,quantity,mean,extreme");
  // 2 seeds × (upstream 5 + scratch 5 checkpoints × 7 + transfer 5 × 3 groups × 7) rows.
  EXPECT_EQ(std::count(summary.begin(), summary.end(), '\n'), 1 + 2 * (5 * 7 * 2 + 5 * 3 * 7));
  const std::string full = read(path("res/dynamics_full.csv"));
  // Per checkpoint and filter: scale, γ, and ρ per training sample (n1 = 20 upstream, n2 = 8).
  EXPECT_EQ(std::count(full.begin(), full.end(), '\n'), 1 + 2 * 5 * 8 * ((2 + 20) + 2 * (2 + 8)));
  const Result plot = ptlab_cli({"plot", path("res"), "--kind", "dynamics", "--out", path("figs"), "--format", "png"});
  ASSERT_EQ(plot.code, 0) << plot.err;
  EXPECT_TRUE(fs::exists(path("figs/res-dynamics.png")));  // named after the run directory
  const Result curves = ptlab_cli({"plot", path("res"), "--kind", "curves", "--out", path("figs"), "--format", "png"});
  ASSERT_EQ(curves.code, 0) << curves.err;
  EXPECT_TRUE(fs::exists(path("figs/res-curves.png")));
  // A hand-corrupted file: one line naming the file, the line and the cell; no figure directory.
  write("res/dynamics.csv", "seed,phase,step,group,quantity,mean,extreme\n0,upstream,0,all,gamma,abc,0\n");
  expect_bad_input({"plot", path("res"), "--kind", "dynamics", "--out", path("bad")}, "line 2: mean = \"abc\"");
  write("res/dynamics.csv", "0,upstream,-5,all,gamma,0,0\n");
  expect_bad_input({"plot", path("res"), "--kind", "dynamics", "--out", path("bad")}, "expected a whole number");
  write("res/dynamics.csv", "0,upstream\n");
  expect_bad_input({"plot", path("res"), "--kind", "dynamics", "--out", path("bad")}, "expected 7");
  EXPECT_FALSE(fs::exists(path("bad")));
  expect_bad_input({"run", path("tiny.toml"), "--set", "dynamics.every=0", "--set", "dynamics.full=true"},
                   "dynamics.every > 0");
  // --force may replace a previous output directory that has the dynamics files.
  EXPECT_EQ(ptlab_cli({"run", path("tiny.toml"), "--out", path("res"), "--force", "--set", "dynamics.every=0"}).code, 0);
  EXPECT_FALSE(fs::exists(path("res/dynamics.csv")));
}

TEST_F(Cli, DeepConfigsAreRecognisedAndTheirBadInputIsOneLine) {
  // A deep sweep given to `ptlab sweep` goes to the deep runner. Deep sweeps shard like theory
  // sweeps; a shard's runs need a study to go into.
  const std::string deep = write("deep_sweep.toml",
                                 "[upstream]\nper_class = 5\n[sweep]\n[[sweep.axis]]\nkey = \"upstream.per_class\"\n"
                                 "values = [5, 10]\n");
  expect_bad_input({"deep", deep, "--shard", "0/2"}, "expected --store FILE");
  expect_bad_input({"deep", deep, "--shard", "2/2", "--store", path("x.db")}, "expected I/N with 0 ≤ I < N");
  expect_bad_input({"sweep", path("tiny.toml"), "--checkpoints", path("ck")}, "applies to deep configs");
  expect_bad_input({"deep", write("bad_axis.toml", "[sweep]\n[[sweep.axis]]\nkey = \"transfer.alphas\"\nvalues = [[1.0]]\n")},
                   "swept by every point");
  expect_bad_input({"deep", write("bad_select.toml", "[transfer]\nrule = \"blocks\"\nblocks = [1]\nselect = \"activation\"\n")},
                   "transfer.select");
  expect_bad_input({"deep", deep, "--set", "upstream.per_class=3"}, "is an axis");
  EXPECT_FALSE(fs::exists(path("deep_sweep.db")));
}

TEST_F(Cli, ADeepConfigWithABadValueGetsTheDeepReadersMessage) {
  const std::string bad = write("deep_bad.toml", "[data]\ndataset = \"fashion-mnist\"\n[upstream]\nlr = 50\n"
                                                 "[sweep]\n[[sweep.axis]]\nkey = \"upstream.epochs\"\nvalues = [1, 2]\n");
  expect_bad_input({"sweep", bad}, "upstream.lr");
}

TEST_F(Cli, DefaultDeepConfigPrintsEveryKeyAndLoadsBackAsTheDefault) {
  const Result r = ptlab_cli({"config", "--default", "--deep"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "# ptlab default deep config: every key, with its meaning and allowed values.");
  // Every key, each with its comment.
  for (const auto& k : ptlab::experiment::deep_config_keys()) {
    const std::string section = k.path.substr(0, k.path.find('.'));
    const std::string name = k.path.substr(section.size() + 1);
    const auto header = r.out.find("\n[" + section + "]\n");
    ASSERT_NE(header, std::string::npos) << k.path;
    const auto line = r.out.find("\n" + name + " = ", header);
    ASSERT_NE(line, std::string::npos) << k.path;
    EXPECT_LT(r.out.find(" # ", line), r.out.find('\n', line + 1)) << k.path;
  }
  const std::string file = write("deep_default.toml", r.out);
  EXPECT_EQ(ptlab::experiment::load_deep_config(file), ptlab::experiment::DeepSpec{});
  // `ptlab config FILE` recognises the deep config and prints it canonically: the same text.
  const Result resolved = ptlab_cli({"config", file});
  ASSERT_EQ(resolved.code, 0) << resolved.err;
  EXPECT_EQ(r.out.substr(r.out.find('\n') + 1), resolved.out);
  const Result shipped = ptlab_cli({"config", PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml", "--set", "upstream.epochs=2"});
  ASSERT_EQ(shipped.code, 0) << shipped.err;
  EXPECT_NE(shipped.out.find("\n[upstream]\n"), std::string::npos);
  EXPECT_NE(shipped.out.find("\nper_class = 50 "), std::string::npos) << shipped.out;
  EXPECT_NE(shipped.out.find("\nepochs = 2 "), std::string::npos) << shipped.out;
  const Result set = ptlab_cli({"config", "--default", "--deep", "--set", "model.arch=vit"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_NE(set.out.find("\narch = \"vit\" "), std::string::npos) << set.out;
}

TEST_F(Cli, RunOnADeepConfigPointsToPtlabDeep) {
  const std::string deep = PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml";
  const Result r = ptlab_cli({"run", deep, "--out", path("out")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "ptlab: " + deep + ": this is a deep config: use `ptlab deep`\n");
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(path("out")));
  const std::string small = write("small_deep.toml", "[upstream]\nepochs = 1\n[transfer]\nalphas = [0.5]\n");
  expect_bad_input({"run", small}, small + ": this is a deep config: use `ptlab deep`");
}

TEST_F(Cli, MisspeltDeepKeysGetADidYouMean) {
  const std::string typo = write("typo.toml", "[upstream]\nepohcs = 3\n");
  expect_bad_input({"config", typo, "--deep"}, "typo.toml:2: unknown key 'upstream.epohcs' (did you mean 'upstream.epochs'?)");
  expect_bad_input({"deep", typo}, "unknown key 'upstream.epohcs' (did you mean 'upstream.epochs'?)");
  const std::string deep = PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml";
  expect_bad_input({"config", deep, "--set", "downstream.batchsize=8"},
                   "--set downstream.batchsize=8: unknown key 'downstream.batchsize' (did you mean 'downstream.batch_size'?)");
  expect_bad_input({"config", "--default", "--deep", "--set", "transfer.alpha=0.5"},
                   "unknown key 'transfer.alpha' (did you mean 'transfer.alphas'?)");
  expect_bad_input({"deep", deep, "--set", "run.devic=cpu"}, "(did you mean 'run.device'?)");
}

TEST_F(Cli, AdviseRejectsBadProbeSettings) {
  const std::string tiny = path("tiny.toml");  // downstream.n = 8: 4 folds of 2
  expect_bad_input({"advise", tiny, "--budget", "0"}, "budget = 0");
  expect_bad_input({"advise", tiny, "--tau", "1.5"}, "tau = 1.5");
  expect_bad_input({"advise", tiny, "--alphas", "0.5,2"}, "alpha = 2");
  expect_bad_input({"advise", tiny, "--folds", "5"}, "too small to split into 5 folds");
  expect_bad_input({"advise", tiny, "--set", "downstream.steps=0"}, "downstream.steps");
  const Result json = ptlab_cli({"advise", tiny, "--seeds", "2", "--format", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["strategies"].size(), 7u);  // scratch, three alphas, activation, shrink-perturb, L2-SP
  EXPECT_EQ(doc["strategies"][0]["name"], "scratch");
  expect_bad_input({"advise", tiny, "--shrink", "2"}, "shrink = 2");
  expect_bad_input({"advise", tiny, "--max-cost", "0"}, "max_cost = 0");
  const std::string deep = std::string(PTLAB_SOURCE_DIR) + "/configs/deep/fmnist_resnet.toml";
  // Deep configs are advised and scored; what they cannot support is refused before training
  // (a build without LibTorch, such as the sanitizer build, refuses them all as one line too).
  const bool deep_half = ptlab::experiment::deep_available();
  const std::string no_torch = "this ptlab was built without LibTorch";
  expect_bad_input({"advise", deep, "--folds", "500"}, deep_half ? "too few to split into 500 folds" : no_torch);
  expect_bad_input({"advise", deep, "--level", "1"}, deep_half ? "expected a confidence level in [0.5, 1)" : no_torch);
  expect_bad_input({"score", deep, "--set", "downstream.per_class=1"},
                   deep_half ? "too few for the class-covariance scores" : no_torch);
  // Sizes that cannot fit are refused before anything is allocated (2m ≥ 2³¹ used to overflow).
  expect_bad_input({"advise", tiny, "--set", "model.m=1073741824"}, "GiB");
  expect_bad_input({"score", tiny, "--set", "model.m=1073741824"}, "GiB");
  expect_bad_input({"advise", tiny, "--perturb", "inf"}, "perturb = inf");
  expect_bad_input({"advise", tiny, "--shrink", "-0.5"}, "shrink = -0.5");
}

// A benchmark of two tiny pairs end to end, and the config's bad input, each one line.
TEST_F(Cli, AdviseBenchScoresPartsAndRejectsBadConfigs) {
  const std::string head = "[bench]\npairs = 2\ndev = 1\nseeds = 3\nfixed = [\"data.n_test=100\", \"model.m=4\", "
                           "\"downstream.steps=40\"]\n[probe]\nmargins = [0.0, 2.0]\n";
  const std::string prior = "[prior]\nn1 = [20, 30]\nn2 = [8, 12]\nd = [40, 80]\nupstream_steps = [30, 50]\n";
  write("bench.toml", head + prior);
  const Result r = ptlab_cli({"advise-bench", path("bench.toml"), "--threads", "2", "--out", path("bench.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* part : {"development part: 1 pairs", "held-out part: 1 pairs", "always alpha=1", "LogME"})
    EXPECT_NE(r.out.find(part), std::string::npos) << part;
  const auto doc = nlohmann::json::parse(read(path("bench.json")));
  ASSERT_EQ(doc["pairs"].size(), 2u);
  EXPECT_EQ(doc["pairs"][0]["part"], "development");
  EXPECT_EQ(doc["pairs"][0]["candidates"].size(), 7u);
  // Re-scoring the saved document reproduces the table without running anything.
  const Result again = ptlab_cli({"advise-bench", path("bench.toml"), "--rescore", path("bench.json")});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, r.out);
  expect_bad_input({"advise-bench", path("bench.toml"), "--rescore", path("bench.toml")}, "not JSON");
  write("other.toml", head + "[prior]\nn1 = [20, 31]\nn2 = [8, 12]\nd = [40, 80]\nupstream_steps = [30, 50]\n");
  expect_bad_input({"advise-bench", path("other.toml"), "--rescore", path("bench.json")}, "not the one this benchmark config draws");
  write("typo.toml", head + prior + "d_max = 3\n");
  expect_bad_input({"advise-bench", path("typo.toml")}, "unknown key 'prior.d_max'");
  write("alpha.toml", head + prior + "alpha = [0.75]\n");
  expect_bad_input({"advise-bench", path("alpha.toml")}, "not on probe.alphas");
  write("fixed.toml", "[bench]\nfixed = [\"data.dd=3\"]\n");
  expect_bad_input({"advise-bench", path("fixed.toml")}, "fixed.toml: bench.fixed \"data.dd=3\"");
  write("huge.toml", "[bench]\npairs = 2\ndev = 1\nfixed = [\"model.m=1073741824\"]\n");
  expect_bad_input({"advise-bench", path("huge.toml")}, "advise-bench: pair 0: config needs about");
  write("split.toml", "[bench]\npairs = 3\ndev = 4\n");
  expect_bad_input({"advise-bench", path("split.toml")}, "bench.dev = 4 exceeds");
  expect_bad_input({"advise-bench", path("bench.toml"), "--out", path("nowhere/x.json")}, "not an existing directory");
}

TEST_F(Cli, ScorePrintsEveryScoreForThreeInits) {
  const Result r = ptlab_cli({"score", path("tiny.toml"), "--seeds", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* name : {"LogME", "LEEP", "NCE", "shrinkage H-score", "k-NN accuracy", "SFDA", "norm-matched"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  expect_bad_input({"score", path("missing.toml")}, "missing.toml");
}

// The run header shows shrink-and-perturb and L2-SP when set, and only then.
TEST_F(Cli, RunHeaderShowsShrinkPerturbAndL2SpWhenSet) {
  const Result set = ptlab_cli({"run", path("tiny.toml"), "--set", "transfer.shrink=0.5", "--set", "downstream.l2sp=0.1"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_NE(set.out.find("fine-tuned shrink=0.5 perturb=0 l2sp=0.1"), std::string::npos) << set.out;
  const Result plain = ptlab_cli({"run", path("tiny.toml")});
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(plain.out.find("shrink="), std::string::npos);
  EXPECT_EQ(plain.out.find("l2sp="), std::string::npos);
}
