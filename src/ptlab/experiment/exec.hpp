#pragma once
// What a caller of a runner names without the records themselves: how to launch, the sink opener,
// the transport codec and the result counts. Free of either half's record (and so of Eigen), so
// the deep half's torch-free headers can use it; experiment/runner.hpp has the runners.
#include <functional>
#include <string>

#include "ptlab/experiment/jobs.hpp"

namespace ptlab::experiment {

class Sink;
class MemorySink;
struct RunOutput;

/// Opens the sink (called once, by the process that owns the results: rank 0 under MPI).
using OpenSink = std::function<Sink&()>;

/// The store's text form of a run, for MPI transport (store/record_format.hpp provides it).
struct RunCodec {
  std::function<std::string(const RunOutput&)> encode;
  std::function<RunOutput(const std::string&)> decode;  ///< its record is an EncodedRecord
};

enum class Launch { threads, mpi };

struct ExecResult {
  bool owner = true;  ///< false on MPI worker ranks, which hold no results
  JobCounts counts;   ///< of the plan (total, other shards, skipped, to run)
  int ran = 0;        ///< runs put
  int failed = 0;     ///< of those, failed runs (stored as failed, retried next time)
};

}  // namespace ptlab::experiment
