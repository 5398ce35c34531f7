#pragma once
// Upstream phases shared between runs that differ only downstream: an α sweep, a transfer-rule
// comparison or a downstream phase diagram trains the same upstream model for every point. The
// cache computes it once per (upstream config, seed); a hit is bit-identical to recomputing,
// because the upstream phase draws only from its own random streams (core/rng.hpp).
#include <cstdint>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ptlab/experiment/run.hpp"

namespace ptlab::experiment {

/// The part of a spec the upstream phase depends on, as canonical TOML: downstream-only keys
/// (downstream task and training, transfer, seeds) are reset. θ and ‖v_2‖ stay when dynamics are
/// recorded, because the upstream proxies probe v_2.
std::string upstream_key(const ExperimentSpec& spec);

/// Thread-safe; two runs asking for the same missing entry compute it once (the second waits).
/// Bounded: beyond `max_bytes`, least recently used finished entries are dropped.
class UpstreamCache {
 public:
  /// Default budget: 512 MiB or a tenth of physical memory, whichever is smaller.
  explicit UpstreamCache(double max_bytes = 0.0);

  std::shared_ptr<const UpstreamOutcome> get(const ExperimentSpec& spec, std::uint64_t seed,
                                             const std::function<UpstreamOutcome()>& compute);
  int hits() const;
  int misses() const;

 private:
  using Value = std::shared_ptr<const UpstreamOutcome>;
  struct Entry {
    std::shared_future<Value> value;
    std::list<std::string>::iterator lru;
    double bytes = 0.0;  // 0 while being computed
  };
  void evict_locked();

  double max_bytes_;
  double bytes_ = 0.0;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recent first
  int hits_ = 0, misses_ = 0;
};

}  // namespace ptlab::experiment
