#include "ptlab/store/study.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include "ptlab/core/error.hpp"
#include "ptlab/store/row_check.hpp"

namespace ptlab::store {
namespace {

// SQLite result codes that say the environment failed (disk full, I/O error, read-only or
// locked file, cannot open an accepted path), not that the file is the wrong input: these become
// core::IoError (exit 3); the others (not a database, corrupt, no such table) core::InputError.
bool is_io_failure(int rc) {
  switch (rc & 0xff) {  // the primary code of an extended one
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
    case SQLITE_PERM:
    case SQLITE_NOMEM:
      return true;
    default:
      return false;
  }
}

// Throws the channel's error for SQLite result code `rc`: "PATH: WHAT: REASON".
[[noreturn]] void throw_for(int rc, const std::string& path, const std::string& what, const std::string& reason) {
  const std::string message = fmt::format("{}: {}: {}", path, what, reason);
  if (is_io_failure(rc)) throw core::IoError(message);
  throw core::InputError(message);
}

[[noreturn]] void fail(sqlite3* db, const std::string& path, const std::string& what) {
  if (db == nullptr) throw_for(SQLITE_NOMEM, path, what, "out of memory");
  throw_for(sqlite3_extended_errcode(db), path, what, sqlite3_errmsg(db));
}

void exec(sqlite3* db, const std::string& path, const char* sql, const char* what = "study store error") {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string m = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw_for(sqlite3_extended_errcode(db), path, what, m);
  }
}

// A prepared statement, finalised on scope exit. `what` says what failed in an error message
// ("cannot write the study store").
class Statement {
 public:
  Statement(sqlite3* db, const std::string& path, const char* sql, const char* what)
      : db_(db), path_(path), what_(what) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail(db, path, what_);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  void bind(int i, const std::string& text) { sqlite3_bind_text(stmt_, i, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT); }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  /// True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, path_, what_);
  }
  std::string text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p != nullptr ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
  }
  std::int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3* db_;
  const std::string& path_;
  const char* what_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kRead = "cannot read the study store";
constexpr const char* kWrite = "cannot write the study store";

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
  run_hash TEXT NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('done', 'diverged', 'failed')),
  point TEXT NOT NULL,
  config TEXT NOT NULL,
  record TEXT NOT NULL,
  curves TEXT NOT NULL,
  provenance TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  dynamics TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_hash, seed));
)";

sqlite3* open_db(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  // The callers have checked the path (not a directory, parent exists): a failure here is the
  // environment's (permissions, too many open files, a failing device).
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const int rc = db != nullptr ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
    const std::string reason = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw_for(rc, path, "cannot open the study store", reason);
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  return db;
}

void check_version(Study& study) {
  const auto v = study.meta("schema_version");
  if (!v) throw core::InputError(fmt::format("{}: not a ptlab study (no schema_version)", study.path()));
  if (*v != std::to_string(kStudySchemaVersion))
    throw core::InputError(fmt::format("{}: study store has schema version {}; this ptlab reads version {} (run the "
                                       "sweep again into a new study file)",
                                       study.path(), *v, kStudySchemaVersion));
}

// SQLite's own check of every page (PRAGMA quick_check): a truncated file or a flipped byte in
// the b-tree is refused before anything reads rows from it or writes into it.
void check_integrity(sqlite3* db, const std::string& path) {
  sqlite3_stmt* stmt = nullptr;
  std::string verdict;
  int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1);", -1, &stmt, nullptr);
  if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(stmt, 0);
    verdict = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    for (char& c : verdict)
      if (c == '\n') c = ' ';  // its report may span lines; the message is one
    rc = SQLITE_OK;
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_OK && is_io_failure(sqlite3_extended_errcode(db)))
    throw_for(sqlite3_extended_errcode(db), path, "cannot read the study store", sqlite3_errmsg(db));
  if (rc != SQLITE_OK || verdict != "ok")
    throw core::InputError(fmt::format("{}: damaged study store (SQLite's integrity check: {}); expected an intact "
                                       "study (restore it, or rerun the sweep into a new file)",
                                       path, rc != SQLITE_OK ? sqlite3_errmsg(db) : verdict));
}

// A new store appears whole or not at all: its schema is written to a hidden sibling, which is
// then linked into place; a creator killed midway leaves only the sibling, and of two creators at
// once the second finds the first's complete store (link refuses to replace it) and opens that.
void create_store(const std::string& path) {
  const std::filesystem::path target = std::filesystem::absolute(path);
  const std::string tmp =
      (target.parent_path() / fmt::format(".{}.creating-{}-{:x}", target.filename().string(), ::getpid(),
                                          std::hash<std::thread::id>{}(std::this_thread::get_id()))).string();
  ::unlink(tmp.c_str());
  {
    sqlite3* raw = open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
    try {
      exec(raw, path, "BEGIN IMMEDIATE;", "cannot write the study store");
      exec(raw, path, kSchema, "cannot write the study store");
      exec(raw, path,
           fmt::format("INSERT INTO meta(key, value) VALUES('schema_version', '{}');", kStudySchemaVersion).c_str(),
           "cannot write the study store");
      exec(raw, path, "COMMIT;", "cannot write the study store");
    } catch (...) {
      ::unlink(tmp.c_str());
      throw;
    }
  }
  const int linked = ::link(tmp.c_str(), target.c_str());
  const int err = errno;
  ::unlink(tmp.c_str());
  if (linked != 0 && err != EEXIST)
    throw core::IoError(fmt::format("{}: cannot create the study store: {}", path, std::strerror(err)));
}

}  // namespace

Study::Study(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
Study::Study(Study&& other) noexcept : db_(other.db_), path_(std::move(other.path_)) { other.db_ = nullptr; }
Study& Study::operator=(Study&& other) noexcept {
  std::swap(db_, other.db_);
  std::swap(path_, other.path_);
  return *this;
}
Study::~Study() { sqlite3_close(db_); }

Study Study::open(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw core::InputError(fmt::format("{}: is a directory; expected a study file (.db)", path));
  const bool existed = std::filesystem::exists(path, ec);
  // Like --out: missing parent directories are created ("--store runs/alpha.db").
  const auto parent = std::filesystem::absolute(path, ec).parent_path();
  if (!existed && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    // A path through a regular file is the user's; a full or failing disk is not.
    if (ec == std::errc::not_a_directory || ec == std::errc::file_exists)
      throw core::InputError(fmt::format("{}: {} is not a directory", path, parent.string()));
    if (ec) throw core::IoError(fmt::format("{}: cannot create the directory {}: {}", path, parent.string(), ec.message()));
  } else if (!existed && !std::filesystem::is_directory(parent, ec)) {
    throw core::InputError(fmt::format("{}: {} is not a directory", path, parent.string()));
  }
  if (!existed) create_store(path);
  Study study(open_db(path, SQLITE_OPEN_READWRITE), path);
  // SQLite silently opens read-only when it cannot write (read-only file or file system).
  if (sqlite3_db_readonly(study.db_, "main") == 1)
    throw core::IoError(fmt::format("{}: cannot write the study store: the file or its file system is read-only", path));
  // Read before writing anything: a file that is not a ptlab study of this version (an empty
  // file, another program's database, another schema version) is refused with its bytes untouched.
  char* message = nullptr;
  if (sqlite3_exec(study.db_, "PRAGMA schema_version;", nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw_for(sqlite3_extended_errcode(study.db_), path, "not a readable SQLite study store", why);
  }
  if (sqlite3_exec(study.db_, "SELECT 1 FROM meta LIMIT 1;", nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    const int rc = sqlite3_extended_errcode(study.db_);
    if (is_io_failure(rc)) throw_for(rc, path, "cannot read the study store", sqlite3_errmsg(study.db_));
    throw core::InputError(fmt::format("{}: {}; expected a study written by ptlab sweep, or a path that does not exist yet",
                                       path, std::filesystem::file_size(path, ec) == 0 ? "is an empty file, not a ptlab study"
                                                                                        : "is not a ptlab study (no meta table)"));
  }
  check_version(study);
  check_integrity(study.db_, path);
  exec(study.db_, path, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "cannot open the study store");
  return study;
}

Study Study::open_existing(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw core::InputError(fmt::format("{}: no such study file", path));
  Study study(open_db(path, SQLITE_OPEN_READONLY), path);
  char* message = nullptr;
  if (sqlite3_exec(study.db_, "SELECT 1 FROM meta LIMIT 1;", nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    // On read-only media a WAL database cannot create its shared-memory file: read it as immutable.
    char* uri = sqlite3_mprintf("file:%q?immutable=1", std::filesystem::absolute(path).c_str());
    Study frozen(open_db(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI), path);
    sqlite3_free(uri);
    if (sqlite3_exec(frozen.db_, "SELECT 1 FROM meta LIMIT 1;", nullptr, nullptr, &message) != SQLITE_OK) {
      sqlite3_free(message);
      const int rc = sqlite3_extended_errcode(frozen.db_);
      if (is_io_failure(rc)) throw_for(rc, path, "cannot read the study store", sqlite3_errmsg(frozen.db_));
      throw core::InputError(fmt::format("{}: not a ptlab study store", path));
    }
    study = std::move(frozen);
  }
  check_version(study);
  check_integrity(study.db_, path);
  return study;
}

std::set<std::pair<std::string, std::uint64_t>> Study::finished() const {
  std::set<std::pair<std::string, std::uint64_t>> out;
  Statement s(db_, path_, "SELECT run_hash, seed FROM runs WHERE status IN ('done', 'diverged');", kRead);
  while (s.step()) out.emplace(s.text(0), static_cast<std::uint64_t>(s.integer(1)));
  return out;
}

void Study::put(const RunRow& row) {
  Statement s(db_, path_,
              "INSERT OR REPLACE INTO runs(run_hash, seed, status, point, config, record, curves, provenance, error, "
              "dynamics) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10);",
              kWrite);
  s.bind(1, row.run_hash);
  s.bind(2, static_cast<std::int64_t>(row.seed));
  s.bind(3, row.status);
  s.bind(4, row.point);
  s.bind(5, row.config);
  s.bind(6, row.record);
  s.bind(7, row.curves);
  s.bind(8, row.provenance);
  s.bind(9, row.error);
  s.bind(10, row.dynamics);
  s.step();  // autocommit: one transaction per run
}

std::vector<RunRow> Study::rows() const {
  std::vector<RunRow> out;
  Statement s(db_, path_,
              "SELECT run_hash, seed, status, point, config, record, curves, provenance, error, dynamics FROM runs "
              "ORDER BY rowid;",
              kRead);
  while (s.step()) {
    out.push_back(RunRow{s.text(0), static_cast<std::uint64_t>(s.integer(1)), s.text(2), s.text(3), s.text(4),
                         s.text(5), s.text(6), s.text(7), s.text(8), s.text(9)});
    check_row(out.back(), path_);  // every reader (export, plot, report, merge, resume) sees checked rows
  }
  return out;
}

std::optional<std::string> Study::meta(const std::string& key) const {
  Statement s(db_, path_, "SELECT value FROM meta WHERE key = ?1;", kRead);
  s.bind(1, key);
  if (s.step()) return s.text(0);
  return std::nullopt;
}

void Study::set_meta(const std::string& key, const std::string& value) {
  Statement s(db_, path_, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2);", kWrite);
  s.bind(1, key);
  s.bind(2, value);
  s.step();
}

}  // namespace ptlab::store
