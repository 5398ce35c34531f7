#include "ptlab/experiment/sink.hpp"

namespace ptlab::experiment {

bool RunOutput::finished() const {
  if (const auto* e = std::get_if<EncodedRecord>(&record)) return e->status != "failed";
  return !failed();
}

RunKeys MemorySink::finished() const {
  RunKeys keys;
  for (const RunOutput& r : runs_)
    if (r.finished()) keys.emplace(r.run_hash, r.seed);
  return keys;
}

void MemorySink::put(RunOutput run) { runs_.push_back(std::move(run)); }

}  // namespace ptlab::experiment
