// The threads runner and the dispatch between runners.
#include "ptlab/experiment/runner.hpp"

#include <cstdlib>
#include <mutex>

#include "ptlab/experiment/detail/parallel.hpp"

namespace ptlab::experiment {

namespace detail {

bool counts_as_failed(const RunOutput& run) {
  if (const auto* e = std::get_if<EncodedRecord>(&run.record)) return e->status == "failed";
  return run.failed();
}

}  // namespace detail

namespace {

ExecResult execute_threads(const std::vector<PlanPoint>& points, const OpenSink& open_sink, const JobFn& run,
                           const ExecOptions& options) {
  Sink& sink = open_sink();
  JobPlan plan = plan_jobs(points, options.shard, sink.finished());
  if (options.longest_first) longest_first(plan, points);
  if (options.planned) options.planned(plan);
  ExecResult result;
  result.counts = plan.counts;
  std::mutex mutex;  // one put at a time, in completion order
  const Emit emit = [&](RunOutput out) {
    const std::lock_guard lock(mutex);
    const bool failed = detail::counts_as_failed(out);
    sink.put(std::move(out));
    ++result.ran;
    result.failed += failed ? 1 : 0;
    if (options.progress) options.progress(result.ran, plan.counts.to_run);
  };
  detail::parallel_for(
      static_cast<int>(plan.jobs.size()), detail::resolve_threads(options.threads, static_cast<int>(plan.jobs.size())),
      [&](int j) { run(plan.jobs[static_cast<std::size_t>(j)], emit); }, nullptr);
  return result;
}

}  // namespace

ExecResult execute(const std::vector<PlanPoint>& points, const OpenSink& open_sink, const JobFn& run,
                   const ExecOptions& options) {
  check_plan_size(points);  // before the sink exists: a refused plan leaves no study file
  if (options.launch == Launch::mpi) return detail::execute_mpi(points, open_sink, run, options);
  return execute_threads(points, open_sink, run, options);
}

bool launched_under_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && std::atoi(v) > 1) return true;
  }
  return false;
}

int local_ranks() {
  for (const char* var : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && std::atoi(v) > 0) return std::atoi(v);
  }
  return 1;
}

}  // namespace ptlab::experiment
