// The MPI runner (experiment/runner.hpp): rank 0 owns the sink and hands out jobs; the other
// ranks run them and send back each run in the store's text form.
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/runner.hpp"

#ifdef PTLAB_WITH_MPI
#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <thread>
#endif

namespace ptlab::experiment {

#ifndef PTLAB_WITH_MPI

bool mpi_available() { return false; }

namespace detail {
ExecResult execute_mpi(const std::vector<PlanPoint>&, const OpenSink&, const JobFn&, const ExecOptions&) {
  throw core::InputError("started under mpirun, but this ptlab was built without MPI; expected a build with "
                         "Debian's libopenmpi-dev installed (scripts/install-deps.sh)");
}
}  // namespace detail

#else

bool mpi_available() { return true; }

namespace {

enum Tag : int { kReady = 1, kJob = 2, kResult = 3, kStop = 4 };

struct Mpi {
  Mpi() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SINGLE, &provided);
  }
  ~Mpi() { MPI_Finalize(); }
  Mpi(const Mpi&) = delete;
  Mpi& operator=(const Mpi&) = delete;
};

std::string receive_string(int source, int tag, MPI_Status& status) {
  MPI_Probe(source, tag, MPI_COMM_WORLD, &status);
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  std::string text(static_cast<std::size_t>(size), '\0');
  MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

// A job on the wire: [point, seed, setting…] as 64-bit integers.
std::vector<std::int64_t> job_message(const Job& job) {
  std::vector<std::int64_t> m{job.point, static_cast<std::int64_t>(job.seed)};
  for (const int s : job.settings) m.push_back(s);
  return m;
}

void worker(const JobFn& run, const RunCodec& codec) {
  MPI_Send(nullptr, 0, MPI_CHAR, 0, kReady, MPI_COMM_WORLD);
  for (;;) {
    MPI_Status status;
    MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    int count = 0;
    MPI_Get_count(&status, MPI_INT64_T, &count);
    std::vector<std::int64_t> m(static_cast<std::size_t>(std::max(count, 0)));
    MPI_Recv(m.data(), count, MPI_INT64_T, 0, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (status.MPI_TAG == kStop) return;
    Job job{static_cast<int>(m.at(0)), static_cast<std::uint64_t>(m.at(1)), {}};
    for (std::size_t i = 2; i < m.size(); ++i) job.settings.push_back(static_cast<int>(m[i]));
    run(job, [&](RunOutput out) {
      const std::string text = codec.encode(out);
      MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kResult, MPI_COMM_WORLD);
    });
    MPI_Send(nullptr, 0, MPI_CHAR, 0, kReady, MPI_COMM_WORLD);
  }
}

}  // namespace

namespace detail {

ExecResult execute_mpi(const std::vector<PlanPoint>& points, const OpenSink& open_sink, const JobFn& run,
                       const ExecOptions& options) {
  const Mpi mpi;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size == 1) {
    ExecOptions threads = options;
    threads.launch = Launch::threads;
    return execute(points, open_sink, run, threads);
  }
  if (rank != 0) {
    worker(run, options.codec);
    return ExecResult{.owner = false};
  }
  // Rank 0: the sink, the plan and the hand-out.
  ExecResult result;
  std::vector<bool> stopped_rank(static_cast<std::size_t>(size), false);
  try {
    Sink& sink = open_sink();
    JobPlan plan = plan_jobs(points, options.shard, sink.finished());
    if (options.longest_first) longest_first(plan, points);
    if (options.planned) options.planned(plan);
    result.counts = plan.counts;
    std::size_t next = 0;
    int stopped = 0;
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
        RunOutput out = options.codec.decode(receive_string(source, kResult, status));
        const bool failed = counts_as_failed(out);
        sink.put(std::move(out));
        ++result.ran;
        result.failed += failed ? 1 : 0;
        if (options.progress) options.progress(result.ran, plan.counts.to_run);
        continue;
      }
      MPI_Recv(nullptr, 0, MPI_CHAR, source, kReady, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (next < plan.jobs.size()) {
        const auto m = job_message(plan.jobs[next++]);
        MPI_Send(m.data(), static_cast<int>(m.size()), MPI_INT64_T, source, kJob, MPI_COMM_WORLD);
      } else {
        MPI_Send(nullptr, 0, MPI_INT64_T, source, kStop, MPI_COMM_WORLD);
        stopped_rank[static_cast<std::size_t>(source)] = true;
        ++stopped;
      }
    }
  } catch (...) {
    // Release the workers (they wait for a job), then report the error like a one-process run.
    for (int r = 1; r < size; ++r)
      if (!stopped_rank[static_cast<std::size_t>(r)]) MPI_Send(nullptr, 0, MPI_INT64_T, r, kStop, MPI_COMM_WORLD);
    throw;
  }
  return result;
}

}  // namespace detail

#endif

}  // namespace ptlab::experiment
