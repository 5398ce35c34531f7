#include "ptlab/store/study.hpp"

#include <gtest/gtest.h>

#include "ptlab/experiment/deep_inputs.hpp"
#include <algorithm>
#include <fmt/format.h>
#include <iterator>
#include <atomic>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/sweep.hpp"
#include "ptlab/store/checkpoint.hpp"
#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/store/export.hpp"
#include "ptlab/store/record_json.hpp"
#include "ptlab/store/study_sink.hpp"
#include "support/study_runs.hpp"
#include "support/csv_rows.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ptlab;

namespace {

using StudyTest = ptlab::testing::TempDirTest;

// 4 points × `seeds` seeds of a small model (about 20 ms a run).
constexpr const char* kSweep = R"(
[data]
d = 80
n_test = 100
[upstream]
n = 20
steps = 60
[downstream]
n = 8
steps = 60
[model]
m = 4
[sweep]
seeds = SEEDS
[[sweep.axis]]
key = "transfer.alpha"
values = [0.0, 1.0]
[[sweep.axis]]
key = "upstream.sigma_p"
values = [0.5, 2]
)";

experiment::SweepSpec sweep(int seeds) {
  std::string text = kSweep;
  text.replace(text.find("SEEDS"), 5, std::to_string(seeds));
  return experiment::parse_sweep(text, "sweep.toml");
}

// The record without wall-clock times, which are the only impure part of a run.
nlohmann::json pure(nlohmann::json record) {
  record.erase("wall_s");
  for (const char* phase : {"upstream", "transfer", "scratch"}) record[phase].erase("wall_s");
  return record;
}

}  // namespace

TEST_F(StudyTest, PutFinishedRowsRoundTripAndReopen) {
  {
    auto study = store::Study::open(path("a.db"));
    study.put({"h1", 0, "done", "{}", "cfg", "{}", "", "{}", "", "seed,phase\n0,upstream\n"});
    study.put({"h1", 1, "failed", "{}", "cfg", "{}", "", "{}", "boom"});
    study.put({"h2", 0, "diverged", "{}", "cfg", "{}", "", "{}", ""});
  }
  const auto study = store::Study::open_existing(path("a.db"));
  EXPECT_EQ(study.finished(), (std::set<std::pair<std::string, std::uint64_t>>{{"h1", 0}, {"h2", 0}}));
  const auto rows = study.rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].error, "boom");
  EXPECT_EQ(rows[0].dynamics, "seed,phase\n0,upstream\n");
  EXPECT_EQ(rows[1].dynamics, "");
  EXPECT_EQ(study.meta("schema_version"), "2");
}

TEST_F(StudyTest, FailedRunsAreReplacedNotDuplicated) {
  auto study = store::Study::open(path("a.db"));
  study.put({"h", 3, "failed", "{}", "c", "{}", "", "{}", "x"});
  study.put({"h", 3, "done", "{}", "c", "{}", "", "{}", ""});
  ASSERT_EQ(study.rows().size(), 1u);
  EXPECT_EQ(study.rows()[0].status, "done");
}

TEST_F(StudyTest, OtherSchemaVersionsAndOtherFilesAreRefused) {
  {
    auto study = store::Study::open(path("old.db"));
    study.set_meta("schema_version", "0");
  }
  EXPECT_THROW(store::Study::open(path("old.db")), core::InputError);
  try {
    store::Study::open(path("old.db"));
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()), path("old.db") + ": study store has schema version 0; this ptlab reads version 2 (run the sweep "
                                       "again into a new study file)");
  }
  std::ofstream(path("text.db")) << "this is not a database, just some text that is long enough to have a header";
  EXPECT_THROW(store::Study::open(path("text.db")), core::InputError);
  EXPECT_THROW(store::Study::open_existing(path("missing.db")), core::InputError);
  EXPECT_NO_THROW(store::Study::open(path("new/dir/a.db")));  // parents are created, like --out's
  std::ofstream(path("file")) << "x";
  EXPECT_THROW(store::Study::open(path("file/a.db")), core::InputError);
  EXPECT_THROW(store::Study::open(dir_.string()), core::InputError);
  EXPECT_FALSE(fs::exists(path("missing.db")));
}

namespace {
std::string bytes_of(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_F(StudyTest, RefusedFilesKeepTheirBytes) {
  const auto refused_with = [&](const std::string& file, const std::string& says) {
    const std::string before = bytes_of(file);
    try {
      store::Study::open(file);
      ADD_FAILURE() << file;
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
    EXPECT_EQ(bytes_of(file), before) << file;
    EXPECT_FALSE(fs::exists(file + "-wal")) << file;
  };
  std::ofstream(path("empty.db")).close();
  refused_with(path("empty.db"), "is an empty file, not a ptlab study");
  {  // another program's database
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path("other.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (42);", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  refused_with(path("other.db"), "is not a ptlab study (no meta table)");
  {
    auto study = store::Study::open(path("old.db"));
    study.set_meta("schema_version", "0");
  }
  refused_with(path("old.db"), "schema version 0");
}

TEST_F(StudyTest, TruncatedOrFlippedStoresAreRefusedBeforeUse) {
  {
    auto study = store::Study::open(path("big.db"));
    for (int i = 0; i < 200; ++i)
      study.put({"h" + std::to_string(i), 0, "done", "{}", "cfg", "{}", std::string(2000, 'c'), "{}", ""});
  }
  fs::copy_file(path("big.db"), path("cut.db"));
  fs::resize_file(path("cut.db"), fs::file_size(path("big.db")) * 6 / 10);
  std::string flipped = bytes_of(path("big.db"));
  for (std::size_t at = flipped.size() / 2; at < flipped.size() / 2 + 64; ++at) flipped[at] = static_cast<char>(~flipped[at]);
  std::ofstream(path("flip.db"), std::ios::binary) << flipped;
  for (const char* name : {"cut.db", "flip.db"}) {
    const std::string file = path(name), before = bytes_of(file);
    for (const bool existing : {true, false}) {
      try {
        if (existing) store::Study::open_existing(file);
        else store::Study::open(file);
        ADD_FAILURE() << name << " opened";
      } catch (const core::InputError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind(file + ": ", 0), 0u) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
      }
    }
    EXPECT_EQ(bytes_of(file), before) << name;
  }
  EXPECT_NO_THROW(store::Study::open_existing(path("big.db")));
}

TEST_F(StudyTest, ADeepStudyOnChangedFilesIsRefusedInOneLine) {
  const std::string db = path("inputs.db");
  const store::Provenance provenance = store::current_provenance("test");
  const auto key = [](const std::string& inputs) {
    return experiment::StudyKey{experiment::StudyKey::Kind::deep, "deep:0123456789abcdef axes:", {"transfer.alpha"}, inputs};
  };
  {
    auto sink = store::StudySink::open_for(key("aaaaaaaaaaaaaaaa"), db, provenance);
    EXPECT_EQ(sink.study().meta("inputs"), std::optional<std::string>("aaaaaaaaaaaaaaaa"));
  }
  // No runs yet: the files may have changed freely.
  EXPECT_NO_THROW(store::StudySink::open_for(key("bbbbbbbbbbbbbbbb"), db, provenance));
  store::Study::open(db).put({"h", 0, "done", R"({"transfer.alpha":0.5})", "cfg",
                              store::record_json(experiment::SeedRecord{}).dump(), "", "{}", ""});
  EXPECT_NO_THROW(store::StudySink::open_for(key("bbbbbbbbbbbbbbbb"), db, provenance));  // the same files
  try {
    store::StudySink::open_for(key("cccccccccccccccc"), db, provenance);
    ADD_FAILURE() << "a study was reopened on other files";
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()), db + ": its runs read other files (data.dir, data.downstream_dir or "
                                          "transfer.import changed since: fingerprint bbbbbbbbbbbbbbbb, now "
                                          "cccccccccccccccc); expected the same files, or a new --store");
  }
  EXPECT_EQ(store::Study::open(db).meta("inputs"), std::optional<std::string>("bbbbbbbbbbbbbbbb"));
}

TEST_F(StudyTest, DamagedRowsAreOneLineNamingTheRunAndNothingIsWritten) {
  const std::string good_record = store::record_json(experiment::SeedRecord{}).dump();
  struct Damage {
    store::RunRow row;
    std::string says;
  };
  const std::vector<Damage> damages = {
      {{"hA", 3, "done", R"({"transfer.alpha":0.5})", "cfg", R"({"ntg": 0.1,)", "", "{}", ""}, "record is not valid JSON"},
      {{"hB", 4, "done", R"({"transfer.alpha":0.5})", "cfg", "[1, 2]", "", "{}", ""}, "record is an array; expected an object"},
      {{"hC", 5, "done", "0.5", "cfg", good_record, "", "{}", ""}, "point is a number; expected an object of axis values"},
      {{"hD", 6, "done", R"({"a":{"b":1}})", "cfg", good_record, "", "{}", ""}, "point.a is an object; expected an axis value"},
      {{"hE", 7, "done", "{}", "cfg", R"({"transfer": 3})", "", "{}", ""}, "record.transfer is a number; expected an object"},
      {{"hF", 8, "done", "{}", "cfg", R"({"ntg": "x"})", "", "{}", ""}, "record.ntg is a string; expected a number"},
      {{"hH", 1, "done", "{}", "cfg", R"({"kind":"deep","seed":1})", "", "{}", ""}, "record.copied_fraction is missing"},
      {{"hI", 2, "done", "{}", "cfg", good_record, "", "[]", ""}, "provenance is an array"},
      {{"hK", 10, "done", "{}", "cfg", good_record, "not json", "{}", ""},
       "curves line 1 has 1 cells; expected 7 (seed, phase, step"},
      // Found by the rows fuzz harness: plot branched on record.kind with a string read.
      {{"hJ", 9, "done", "{}", "cfg", R"({"kind":0.5})", "", "{}", ""}, R"(record.kind is 0.5; expected "deep" or no kind)"},
  };
  for (const Damage& d : damages) {
    const std::string db = path(d.row.run_hash + ".db");
    {
      auto study = store::Study::open(db);
      study.put({"ok", 0, "done", R"({"transfer.alpha":0.5})", "cfg", good_record, "", "{}", ""});
      study.put(d.row);
    }
    const auto study = store::Study::open_existing(db);
    try {
      study.rows();
      ADD_FAILURE() << d.says;
    } catch (const core::InputError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(fmt::format("{}: runs row (run {}, seed {}): ", db, d.row.run_hash, d.row.seed), 0), 0u) << what;
      EXPECT_NE(what.find(d.says), std::string::npos) << what;
    }
  }
  // Through the command line: exit 2, one line, no output file.
  const std::string command = std::string(PTLAB_EXE) + " export " + path("hB.db") + " --csv --out " + path("x.csv") +
                              " > " + path("x.out") + " 2> " + path("x.err");
  const int rc = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  const std::string err = bytes_of(path("x.err"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_NE(err.find("runs row (run hB, seed 4)"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(path("x.csv")));
}

TEST_F(StudyTest, ConcurrentCreatorsAllGetOneCompleteStore) {
  // A creator killed midway leaves only its hidden temporary, which blocks nobody.
  std::ofstream(path(".race.db.creating-1-0")) << "";
  std::vector<std::thread> creators;
  std::atomic<int> opened{0};
  for (int t = 0; t < 4; ++t)
    creators.emplace_back([&] {
      try {
        auto s = store::Study::open(path("race.db"));
        if (s.meta("schema_version") == std::to_string(store::kStudySchemaVersion)) ++opened;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& t : creators) t.join();
  EXPECT_EQ(opened, 4);
  int temporaries = 0;
  for (const auto& e : fs::directory_iterator(dir_))
    temporaries += e.path().filename().string().rfind(".race.db.creating-", 0) == 0 ? 1 : 0;
  EXPECT_EQ(temporaries, 1);  // only the dead creator's
}

TEST_F(StudyTest, ParallelSweepRecordsEqualSerialRuns) {
  const auto s = sweep(3);
  const auto result = support::run_study(s, path("s.db"), 2);
  EXPECT_EQ(result.counts.total, 12);
  EXPECT_EQ(result.counts.ran, 12);
  const auto study = store::Study::open_existing(path("s.db"));
  const auto rows = study.rows();
  ASSERT_EQ(rows.size(), 12u);
  const auto points = experiment::grid(s);
  for (const auto& row : rows) {
    const auto& p = *std::find_if(points.begin(), points.end(),
                                  [&](const auto& q) { return experiment::run_hash(q.spec) == row.run_hash; });
    const auto serial = experiment::run_seed(p.spec, row.seed);
    EXPECT_EQ(pure(nlohmann::json::parse(row.record)), pure(store::record_json(serial))) << row.run_hash;
    EXPECT_EQ(row.config, experiment::canonical_toml(p.spec));
  }
  // α = 0 points have NTG exactly 0.
  for (const auto& point : result.points)
    if (point.values[0] == "0") {
      EXPECT_EQ(point.ntg.mean, 0.0);
    }
}

TEST_F(StudyTest, RerunSkipsFinishedRunsAndMoreSeedsRunOnlyTheNewOnes) {
  support::run_study(sweep(2), path("s.db"), 2);
  const auto again = support::run_study(sweep(2), path("s.db"), 2);
  EXPECT_EQ(again.counts.ran, 0);
  EXPECT_EQ(again.counts.skipped, 8);
  const auto more = support::run_study(sweep(3), path("s.db"), 2);
  EXPECT_EQ(more.counts.ran, 4);
  EXPECT_EQ(more.counts.skipped, 8);
  EXPECT_EQ(store::Study::open_existing(path("s.db")).rows().size(), 12u);
  for (const auto& p : more.points) EXPECT_EQ(p.done + p.diverged, 3);
}

namespace {

// How many runs a sweep has committed to `db` so far (-1 while the store does not exist yet).
int committed_rows(const std::string& db) {
  sqlite3* handle = nullptr;
  int n = -1;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(handle, 1000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(handle, "SELECT count(*) FROM runs;", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
      n = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(handle);
  return n;
}

// Starts `ptlab ARGS…` with its output discarded; returns its pid (negative if fork failed).
pid_t spawn_quiet_ptlab(const std::vector<std::string>& args) {
  const pid_t child = fork();
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> argv{const_cast<char*>("ptlab")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(PTLAB_EXE, argv.data());
    _exit(127);
  }
  return child;
}

// The sweep config of `seeds` seeds whose runs take 400 steps: long enough to be interrupted mid-way.
std::string slow_sweep(int seeds) {
  std::string text = kSweep;
  text.replace(text.find("SEEDS"), 5, std::to_string(seeds));
  for (auto at = text.find("steps = 60"); at != std::string::npos; at = text.find("steps = 60"))
    text.replace(at, 10, "steps = 400");
  return text;
}

// Kills a sweep of 4 points × `seeds` with `signal` once 20 runs are committed, then resumes it:
// the store must end with every run exactly once, and runs from before the signal must equal fresh
// serial runs.
void signal_mid_sweep_then_resume(const std::function<std::string(const std::string&)>& path, int signal) {
  const int seeds = 40;  // 160 runs of 400 steps: a few seconds, long enough to be killed mid-way
  std::ofstream(path("sweep.toml")) << slow_sweep(seeds);
  const std::string db = path("kill.db");

  const pid_t child = spawn_quiet_ptlab({"sweep", path("sweep.toml"), "--store", db, "--threads", "2"});
  ASSERT_GE(child, 0);
  // Wait until some runs are committed, then kill without warning.
  const auto count_rows = [&] { return committed_rows(db); };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_rows() < 20 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(child, signal);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal) << "the sweep finished before it could be signalled";
  const int before = count_rows();
  ASSERT_GE(before, 20);
  ASSERT_LT(before, 4 * seeds);

  // Restart: only the missing runs run, and the store ends with every run exactly once.
  const auto s = experiment::load_sweep(path("sweep.toml"));
  const auto result = support::run_study(s, db, 2);
  EXPECT_EQ(result.counts.skipped, before);
  EXPECT_EQ(result.counts.ran, 4 * seeds - before);
  const auto rows = store::Study::open_existing(db).rows();
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(4 * seeds));
  std::set<std::pair<std::string, std::uint64_t>> keys;
  for (const auto& row : rows) keys.emplace(row.run_hash, row.seed);
  EXPECT_EQ(keys.size(), rows.size());
  // Runs from before the kill equal fresh serial runs.
  const auto points = experiment::grid(s);
  for (std::size_t i = 0; i < rows.size(); i += 17) {
    const auto& p = *std::find_if(points.begin(), points.end(),
                                  [&](const auto& q) { return experiment::run_hash(q.spec) == rows[i].run_hash; });
    EXPECT_EQ(pure(nlohmann::json::parse(rows[i].record)), pure(store::record_json(experiment::run_seed(p.spec, rows[i].seed))));
  }
}

}  // namespace

TEST_F(StudyTest, SigkillMidSweepLosesNoFinishedRunAndDuplicatesNone) {
  signal_mid_sweep_then_resume([&](const std::string& n) { return path(n); }, SIGKILL);
}

TEST_F(StudyTest, SigintAndSigtermMidSweepLoseNoFinishedRunAndDuplicateNone) {
  for (const int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal);
    signal_mid_sweep_then_resume([&, signal](const std::string& n) { return path(std::to_string(signal) + "-" + n); },
                                 signal);
  }
}

TEST_F(StudyTest, ExportsAreTidy) {
  support::run_study(sweep(2), path("s.db"), 1);
  const auto study = store::Study::open_existing(path("s.db"));
  const std::string csv = store::export_runs_csv(study);
  EXPECT_EQ(csv.substr(0, csv.find(',', csv.find(',', csv.find(',', csv.find(',') + 1) + 1) + 1)),
            "run_hash,seed,status,transfer.alpha");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 9);
  const std::string jsonl = store::export_runs_jsonl(study);
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), 8);
  const auto first = nlohmann::json::parse(jsonl.substr(0, jsonl.find('\n')));
  EXPECT_EQ(first["status"], "done");
  EXPECT_TRUE(first["point"].contains("upstream.sigma_p"));
  const std::string curves = store::export_curves_csv(study);
  EXPECT_EQ(curves.substr(0, curves.find('\n')),
            "run_hash,seed,transfer.alpha,upstream.sigma_p,phase,step,train_loss,train_error,test_error,test_error_true");
  // 8 runs × 3 phases × 3 curve points (steps 0, 50 and the last, 60).
  EXPECT_EQ(std::count(curves.begin(), curves.end(), '\n'), 1 + 8 * 3 * 3);
}

namespace {

std::vector<std::string> pure_rows(const std::string& db) {
  return ptlab::testing::pure_rows(store::export_runs_csv(store::Study::open_existing(db)));
}

}  // namespace

TEST_F(StudyTest, MpirunOverTwoRanksGivesTheSameRecordsAsOneProcess) {
  if (std::system("command -v mpirun > /dev/null 2>&1") != 0) GTEST_SKIP() << "mpirun not installed (openmpi-bin)";
  std::string text = kSweep;
  text.replace(text.find("SEEDS"), 5, "3");
  std::ofstream(path("sweep.toml")) << text;
  support::run_study(experiment::load_sweep(path("sweep.toml")), path("one.db"), 1);
  const std::string command = std::string("mpirun --allow-run-as-root --oversubscribe -n 2 ") + PTLAB_EXE +
                              " sweep " + path("sweep.toml") + " --store " + path("mpi.db") + " > " + path("mpi.log") +
                              " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << "see " << path("mpi.log");
  const auto one = pure_rows(path("one.db")), mpi = pure_rows(path("mpi.db"));
  EXPECT_EQ(one.size(), 12u);
  EXPECT_EQ(one, mpi);
  // Rerunning under MPI resumes: nothing left to run.
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream log(path("mpi.log"));
  std::string first;
  std::getline(log, first);
  EXPECT_NE(first.find("ran 0 (0 failed), skipped 12"), std::string::npos) << first;
}

TEST_F(StudyTest, FullOrReadOnlyDiskIsAnIoErrorAndTheStoreStaysConsistent) {
  // A 160 KiB tmpfs stands in for a full disk; needs root (CI and the dev machines run as root).
  const std::string mnt = path("small");
  fs::create_directories(mnt);
  if (std::system(("mount -t tmpfs -o size=160k tmpfs " + mnt + " 2>/dev/null").c_str()) != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?); the full-disk check is skipped";
  std::string text = kSweep;
  text.replace(text.find("SEEDS"), 5, "10");
  text += "[run]\ncurve_every = 1\n";  // big records: the disk fills after a few runs
  const auto s = experiment::parse_sweep(text, "full.toml");
  const std::string db = mnt + "/s.db";
  try {
    support::run_study(s, db, 2);
    ADD_FAILURE() << "the sweep fit on the small disk";
  } catch (const core::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("database or disk is full"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind(db + ": cannot write the study store: ", 0), 0u) << e.what();
  }
  const auto stored = store::Study::open_existing(db).rows().size();
  EXPECT_LT(stored, 40u);
  // More room: the rerun keeps what was stored and adds the rest.
  ASSERT_EQ(std::system(("mount -o remount,size=64m " + mnt).c_str()), 0);
  const auto result = support::run_study(s, db, 2);
  EXPECT_EQ(result.counts.skipped, static_cast<int>(stored));
  EXPECT_EQ(store::Study::open_existing(db).rows().size(), 40u);
  // A read-only file system: one IoError, the store untouched.
  ASSERT_EQ(std::system(("mount -o remount,ro " + mnt).c_str()), 0);
  auto more = s;
  more.seeds = 11;
  EXPECT_THROW(support::run_study(more, db, 2), core::IoError);
  ASSERT_EQ(std::system(("mount -o remount,rw " + mnt).c_str()), 0);
  EXPECT_EQ(store::Study::open_existing(db).rows().size(), 40u);
  EXPECT_EQ(std::system(("umount " + mnt).c_str()), 0);
}

TEST_F(StudyTest, TwoSweepsOnOneStoreAtOnceEndWithEveryRunOnce) {
  std::string text = kSweep;
  text.replace(text.find("SEEDS"), 5, "6");
  std::ofstream(path("sweep.toml")) << text;
  const std::string db = path("both.db");
  const std::string one = std::string(PTLAB_EXE) + " sweep " + path("sweep.toml") + " --store " + db + " --threads 1";
  // Both start together; each may find runs the other committed, neither may fail or duplicate.
  const std::string both = one + " > " + path("a.log") + " 2>&1 & a=$!; " + one + " > " + path("b.log") +
                           " 2>&1 & b=$!; wait $a && wait $b";
  ASSERT_EQ(std::system(("bash -c '" + both + "'").c_str()), 0) << "see " << path("a.log") << " and " << path("b.log");
  const auto rows = store::Study::open_existing(db).rows();
  ASSERT_EQ(rows.size(), 24u);
  std::set<std::pair<std::string, std::uint64_t>> keys;
  for (const auto& row : rows) keys.emplace(row.run_hash, row.seed);
  EXPECT_EQ(keys.size(), rows.size());
  support::run_study(experiment::load_sweep(path("sweep.toml")), path("serial.db"), 1);
  EXPECT_EQ(pure_rows(path("serial.db")), pure_rows(db));
}

TEST_F(StudyTest, AKilledMpiRankStopsTheSweepAndARerunFinishesTheGrid) {
  if (std::system("command -v mpirun > /dev/null 2>&1") != 0) GTEST_SKIP() << "mpirun not installed (openmpi-bin)";
  const int seeds = 40;
  std::ofstream(path("sweep.toml")) << slow_sweep(seeds);
  const std::string db = path("mpi-kill.db"), log = path("mpi-kill.log");
  const pid_t mpirun = fork();
  ASSERT_GE(mpirun, 0);
  if (mpirun == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(out, 2);
    execlp("mpirun", "mpirun", "--allow-run-as-root", "--oversubscribe", "-n", "2", PTLAB_EXE, "sweep",
           path("sweep.toml").c_str(), "--store", db.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (committed_rows(db) < 10 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // One rank (a child of mpirun running ptlab) dies without warning.
  std::string rank;
  if (std::FILE* p = popen(("pgrep -P " + std::to_string(mpirun) + " -f 'ptlab sweep' | head -1").c_str(), "r")) {
    char buffer[32] = {};
    if (std::fgets(buffer, sizeof buffer, p) != nullptr) rank = buffer;
    pclose(p);
  }
  ASSERT_FALSE(rank.empty()) << "no rank found under mpirun " << mpirun;
  ASSERT_EQ(kill(static_cast<pid_t>(std::stol(rank)), SIGKILL), 0);
  int status = 0;
  waitpid(mpirun, &status, 0);
  // The sweep reports it: mpirun exits non-zero and says which rank died.
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << "status " << status;
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("signal 9"), std::string::npos) << text;
  const int before = committed_rows(db);
  ASSERT_GE(before, 10);
  ASSERT_LT(before, 4 * seeds);
  // A rerun finishes the grid: nothing lost, nothing duplicated.
  const auto result = support::run_study(experiment::load_sweep(path("sweep.toml")), db, 2);
  EXPECT_EQ(result.counts.skipped, before);
  EXPECT_EQ(result.counts.ran, 4 * seeds - before);
  const auto rows = store::Study::open_existing(db).rows();
  std::set<std::pair<std::string, std::uint64_t>> keys;
  for (const auto& row : rows) keys.emplace(row.run_hash, row.seed);
  EXPECT_EQ(rows.size(), static_cast<std::size_t>(4 * seeds));
  EXPECT_EQ(keys.size(), rows.size());
}

TEST_F(StudyTest, SigintOrSigtermDuringRunOutLeavesNoOutputAndARerunWritesIt) {
  // 2000 seeds of 400 steps: seconds of work, long enough to be interrupted before the output is written.
  std::string text = kSweep;
  text = text.substr(0, text.find("[sweep]"));
  for (auto at = text.find("steps = 60"); at != std::string::npos; at = text.find("steps = 60"))
    text.replace(at, 10, "steps = 400");
  std::ofstream(path("run.toml")) << text << "[run]\nseeds = 2000\n";
  for (const int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal);
    const std::string out = path("out-" + std::to_string(signal));
    const pid_t child = spawn_quiet_ptlab({"run", path("run.toml"), "--out", out, "--threads", "1"});
    ASSERT_GE(child, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(child, signal);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal) << "the run ended before the signal: " << status;
    // Nothing is shown as a result: no output directory, and no temporary left beside it.
    EXPECT_FALSE(fs::exists(out));
    for (const auto& e : fs::directory_iterator(dir_))
      EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
    // The rerun writes the whole directory.
    const std::string rerun = std::string(PTLAB_EXE) + " run " + path("run.toml") + " --set run.seeds=2 --out " + out +
                              " > /dev/null 2>&1";
    ASSERT_EQ(std::system(rerun.c_str()), 0);
    EXPECT_TRUE(fs::exists(fs::path(out) / "summary.json"));
  }
}

// An upstream checkpoint is named by what its training depends on: the image shape (data.size,
// data.channels) and model.stem too, each hashed only away from its default so that checkpoints
// written before these keys keep their names; downstream keys leave the name alone.
TEST(Checkpoint, NamedByEverythingTheUpstreamDependsOn) {
  namespace x = ptlab::experiment;
  const x::DeepSpec plain;
  const auto name = [](const x::DeepSpec& s) { return ptlab::store::checkpoint_of(s, "ck", 0).weights.filename().string(); };
  EXPECT_EQ(name(plain), "upstream-" + x::deep_run_hash(plain) + "-seed0.pt");
  EXPECT_EQ(name(plain), "upstream-1c7b3b243061b390-seed0.pt");  // the default's pinned run hash
  x::DeepSpec down = plain;
  down.downstream.lr = 0.2;
  down.alphas = {1.0};
  EXPECT_EQ(name(down), name(plain));
  std::set<std::string> names{name(plain)};
  for (const char* set : {"data.size=32", "data.channels=3", "model.arch=resnet18"}) names.insert(name(x::with_overrides(plain, {set})));
  names.insert(name(x::with_overrides(plain, {"model.arch=resnet18", "model.stem=imagenet"})));
  EXPECT_EQ(names.size(), 5u);
  // A folder of the user's: its files' fingerprint is in the name, and changes with them.
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ptlab_ck_" + std::to_string(::getpid()));
  fs::create_directories(dir / "train" / "a");
  std::ofstream(dir / "train" / "a" / "1.png") << "x";
  const x::DeepSpec folder = x::with_overrides(plain, {"data.dataset=folder", "data.dir=" + dir.string()});
  const std::string before = name(folder);
  EXPECT_EQ(before, "upstream-" + x::deep_run_hash(folder) + "-" +
                        x::files_fingerprint({(dir / "train").string(), (dir / "test").string()}) + "-seed0.pt");
  std::ofstream(dir / "other.db") << "a study beside the images";  // not an image the reader takes
  EXPECT_EQ(name(folder), before);
  std::ofstream(dir / "train" / "a" / "1.png") << "xy";  // the same name, another image
  EXPECT_NE(name(folder), before);
  fs::remove_all(dir);
}

TEST(DeepInputs, TheFingerprintFollowsNamesSizesAndTimesOfTheUsersFiles) {
  namespace fs = std::filesystem;
  namespace x = ptlab::experiment;
  const fs::path dir = fs::temp_directory_path() / ("ptlab_inputs_" + std::to_string(::getpid()));
  fs::create_directories(dir / "cat");
  std::ofstream(dir / "cat" / "1.png") << "abc";
  const std::string p = dir.string();
  const std::string first = x::files_fingerprint({p});
  EXPECT_EQ(first.size(), 16u);
  EXPECT_EQ(x::files_fingerprint({p}), first);  // metadata only: the same files, the same print
  EXPECT_EQ(x::files_fingerprint({}), "");
  EXPECT_EQ(x::deep_inputs_fingerprint(x::DeepSpec{}), "");  // the shipped Fashion-MNIST
  std::ofstream(dir / "cat" / "2.png") << "d";
  const std::string added = x::files_fingerprint({p});
  EXPECT_NE(added, first);
  std::ofstream(dir / "cat" / "2.png") << "de";
  EXPECT_NE(x::files_fingerprint({p}), added);  // one file grew
  fs::rename(dir / "cat" / "2.png", dir / "cat" / "3.png");
  EXPECT_NE(x::files_fingerprint({p}), added);  // renamed
  EXPECT_NE(x::files_fingerprint({(dir / "none").string()}), x::files_fingerprint({p}));
  x::DeepSpec spec;
  spec.dataset = x::DeepDataset::cifar100;
  spec.dir = p;
  EXPECT_EQ(x::deep_data_files(spec.dataset, p), (std::vector<std::string>{p + "/train.bin", p + "/test.bin"}));
  EXPECT_EQ(x::deep_inputs_fingerprint(spec), x::files_fingerprint({p + "/train.bin", p + "/test.bin"}));
  spec.import_weights = p + "/cat/1.png";
  EXPECT_EQ(x::deep_inputs_fingerprint(spec), x::files_fingerprint({p + "/train.bin", p + "/test.bin", p + "/cat/1.png"}));
  fs::remove_all(dir);
}
