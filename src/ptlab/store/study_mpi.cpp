#include "ptlab/store/study_mpi.hpp"

#include <cstdlib>

#include "ptlab/core/error.hpp"

#ifdef PTLAB_WITH_MPI
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/upstream_cache.hpp"
#include "ptlab/store/detail/sweep_rows.hpp"
#endif

namespace ptlab::store {

bool launched_under_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && std::atoi(v) > 1) return true;
  }
  return false;
}

#ifndef PTLAB_WITH_MPI

bool mpi_available() { return false; }

StudyResult run_study_mpi(const experiment::SweepSpec&, const std::string&, const StudyRunOptions&, bool&) {
  throw core::InputError("sweep: started under mpirun, but this ptlab was built without MPI; expected a build with "
                         "Debian's libopenmpi-dev installed (scripts/install-deps.sh)");
}

#else

bool mpi_available() { return true; }

namespace {

using nlohmann::json;

enum Tag : int { kReady = 1, kJob = 2, kResult = 3, kStop = 4 };

struct Mpi {
  Mpi() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SINGLE, &provided);
  }
  ~Mpi() { MPI_Finalize(); }
};

std::string receive_string(int source, int tag, MPI_Status& status) {
  MPI_Probe(source, tag, MPI_COMM_WORLD, &status);
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  std::string text(static_cast<std::size_t>(size), '\0');
  MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

void worker(const experiment::SweepSpec& sweep) {
  const auto points = experiment::grid(sweep);
  experiment::UpstreamCache upstreams;  // per rank: hits when one rank gets several points of a seed
  MPI_Send(nullptr, 0, MPI_CHAR, 0, kReady, MPI_COMM_WORLD);
  for (;;) {
    MPI_Status status;
    MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    int job[2] = {0, 0};
    MPI_Recv(job, 2, MPI_INT, 0, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (status.MPI_TAG == kStop) return;
    const auto& point = points.at(static_cast<std::size_t>(job[0]));
    const std::uint64_t seed = point.spec.seed + static_cast<std::uint64_t>(job[1]);
    std::string error;
    experiment::SeedRecord record;
    try {
      record = experiment::run_seed(point.spec, seed, &upstreams);
    } catch (const std::exception& e) {
      error = e.what();
    }
    const detail::RunOutcome outcome = detail::outcome_of(error.empty() ? &record : nullptr, error);
    const json result{{"point", job[0]},         {"seed", seed},          {"status", outcome.status},
                      {"record", outcome.record}, {"curves", outcome.curves}, {"error", outcome.error},
                      {"dynamics", outcome.dynamics}};
    const std::string text = result.dump();
    MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kResult, MPI_COMM_WORLD);
  }
}

}  // namespace

StudyResult run_study_mpi(const experiment::SweepSpec& sweep, const std::string& path, const StudyRunOptions& options,
                          bool& is_root) {
  const Mpi mpi;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  is_root = rank == 0;
  if (size == 1) return run_study(sweep, path, options);
  if (rank != 0) {
    worker(sweep);
    return {};
  }

  // Rank 0: the store, the job list and the hand-out.
  const auto points = experiment::grid(sweep);
  for (const auto& p : points) experiment::check_memory(p.spec, 1);
  StudyResult result;
  std::vector<std::string> hashes;
  for (const auto& p : points) hashes.push_back(experiment::run_hash(p.spec));
  std::vector<std::pair<int, int>> jobs;  // (point, seed offset)
  std::vector<bool> stopped_rank(static_cast<std::size_t>(size), false);
  try {
    Study study = detail::open_for_sweep(sweep, path, options.provenance);
    const auto finished = study.finished();
    int index = 0;
    for (int p = 0; p < static_cast<int>(points.size()); ++p)
      for (int i = 0; i < sweep.seeds; ++i, ++index) {
        ++result.counts.total;
        if (index % options.shard_count != options.shard_index) {
          ++result.counts.other_shards;
        } else if (finished.count({hashes[static_cast<std::size_t>(p)], points[static_cast<std::size_t>(p)].spec.seed +
                                                                            static_cast<std::uint64_t>(i)})) {
          ++result.counts.skipped;
        } else {
          jobs.emplace_back(p, i);
        }
      }
    const std::string provenance = provenance_json(options.provenance).dump();
    std::size_t next = 0;
    int stopped = 0, done = 0;
    while (stopped < size - 1) {
      int waiting = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status);
      if (waiting == 0) {  // poll gently: rank 0 only coordinates
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      const int source = status.MPI_SOURCE;
      if (status.MPI_TAG == kResult) {
        const json r = json::parse(receive_string(source, kResult, status));
        const auto point_index = r["point"].get<std::size_t>();
        const RunRow row = detail::sweep_row(sweep, points.at(point_index), hashes[point_index], r["seed"].get<std::uint64_t>(),
                                             provenance, {r["status"], r["record"], r["curves"], r["error"], r["dynamics"]});
        study.put(row);
        ++result.counts.ran;
        result.counts.failed += row.status == "failed" ? 1 : 0;
        if (options.progress) options.progress(++done, static_cast<int>(jobs.size()));
      } else {
        MPI_Recv(nullptr, 0, MPI_CHAR, source, kReady, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      }
      if (next < jobs.size()) {
        const int job[2] = {jobs[next].first, jobs[next].second};
        ++next;
        MPI_Send(job, 2, MPI_INT, source, kJob, MPI_COMM_WORLD);
      } else {
        const int none[2] = {0, 0};
        MPI_Send(none, 2, MPI_INT, source, kStop, MPI_COMM_WORLD);
        stopped_rank[static_cast<std::size_t>(source)] = true;
        ++stopped;
      }
    }
  } catch (...) {
    // Release the workers (they wait for a job), then report the error like a one-process sweep.
    const int none[2] = {0, 0};
    for (int r = 1; r < size; ++r)
      if (!stopped_rank[static_cast<std::size_t>(r)]) MPI_Send(none, 2, MPI_INT, r, kStop, MPI_COMM_WORLD);
    throw;
  }
  // Summaries as in a one-process sweep.
  for (const auto& a : sweep.axes) result.axes.push_back(a.key);
  result.points = detail::grid_summaries(Study::open_existing(path), points, hashes);
  return result;
}

#endif

}  // namespace ptlab::store
