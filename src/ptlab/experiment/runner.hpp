#pragma once
// The runners: one per kind of parallelism, both fed by the job planner (experiment/jobs.hpp)
// and writing to a sink (experiment/sink.hpp).
//  - threads: jobs over worker threads of this process, handed out dynamically;
//  - MPI (`mpirun -n K ptlab sweep CONFIG`): rank 0 opens the sink, plans, and hands out one job
//    at a time to whichever rank asks next; ranks 1..K−1 run jobs and send back each run in the
//    store's text form. Every rank reads the same config, so only job numbers and finished runs
//    travel, and the records equal a one-process run's (each run is a pure function of its
//    config and seed).
// `execute` picks one, so a sweep of either half is planned and run by the same code.
#include <functional>
#include <string>
#include <vector>

#include "ptlab/experiment/exec.hpp"
#include "ptlab/experiment/jobs.hpp"
#include "ptlab/experiment/sink.hpp"

namespace ptlab::experiment {

/// Emits one finished run. Thread-safe: it puts into the sink under the runner's lock.
using Emit = std::function<void(RunOutput)>;
/// Runs one job: emits one RunOutput per setting in job.settings, in order, each as soon as it is
/// finished. A run that fails is emitted with its error, not thrown; an exception stops the runner
/// (after the running jobs finish) and is rethrown.
using JobFn = std::function<void(const Job&, const Emit&)>;
struct ExecOptions {
  Launch launch = Launch::threads;
  int threads = 1;  ///< threads runner: jobs at once (≥ 1)
  Shard shard;
  bool longest_first = false;  ///< reorder jobs by decreasing PlanPoint::cost
  RunCodec codec;              ///< needed for Launch::mpi
  /// After each run put: (runs put, runs planned). On the owning process only.
  std::function<void(int, int)> progress;
  /// After planning, before any job runs (e.g. a memory check): the plan. Owning process only.
  std::function<void(const JobPlan&)> planned;
};

/// Plans `points` against the sink's finished runs and runs the jobs. Throws what open_sink or
/// planned throw (before any job runs) and what a job throws.
ExecResult execute(const std::vector<PlanPoint>& points, const OpenSink& open_sink, const JobFn& run,
                   const ExecOptions& options);

/// True when this process was started by an MPI launcher with more than one rank (read from the
/// launcher's environment, before MPI is initialised).
bool launched_under_mpi();

/// Ranks of this MPI job on this node (1 when not under MPI): to share the node's cores.
int local_ranks();

/// Whether this build has MPI support (CMake found MPI).
bool mpi_available();

namespace detail {
ExecResult execute_mpi(const std::vector<PlanPoint>& points, const OpenSink& open_sink, const JobFn& run,
                       const ExecOptions& options);
bool counts_as_failed(const RunOutput& run);
}  // namespace detail

}  // namespace ptlab::experiment
