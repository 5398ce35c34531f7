#include "ptlab/experiment/upstream_cache.hpp"

#include <unistd.h>

#include <algorithm>

#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/sampling.hpp"

namespace ptlab::experiment {

std::string upstream_key(const ExperimentSpec& spec) {
  ExperimentSpec s = spec;
  const ExperimentSpec defaults;
  // `auto` may resolve differently for specs that differ downstream (n2, the rule): key on what
  // it resolved to, which the upstream phase's coordinates depend on (experiment/sampling.hpp).
  s.frame.sampling = resolve_sampling(spec);
  const double norm_v2 = s.downstream.norm_v;
  s.downstream = defaults.downstream;
  s.downstream_train = defaults.downstream_train;
  s.transfer = defaults.transfer;
  s.seed = 0;
  s.seeds = 1;
  if (s.dynamics.every > 0) {
    s.downstream.norm_v = norm_v2;  // probed by the upstream proxy ⟨w, v_2⟩
  } else {
    s.frame.theta = defaults.frame.theta;
  }
  return canonical_toml(s);
}

UpstreamCache::UpstreamCache(double max_bytes) : max_bytes_(max_bytes) {
  if (max_bytes_ <= 0.0) {
    const double physical = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
    max_bytes_ = std::min(512.0 * (1 << 20), physical > 0 ? 0.1 * physical : 512.0 * (1 << 20));
  }
}

std::shared_ptr<const UpstreamOutcome> UpstreamCache::get(const ExperimentSpec& spec, std::uint64_t seed,
                                                          const std::function<UpstreamOutcome()>& compute) {
  const std::string key = upstream_key(spec) + "\nseed = " + std::to_string(seed);
  std::promise<Value> promise;
  std::shared_future<Value> pending;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(key);
    if (it != entries_.end()) {
      ++hits_;
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      pending = it->second.value;
    } else {
      ++misses_;
      lru_.push_front(key);
      entries_.emplace(key, Entry{promise.get_future().share(), lru_.begin(), 0.0});
    }
  }
  if (pending.valid()) return pending.get();  // computed, or being computed by another run
  Value value;
  try {
    value = std::make_shared<const UpstreamOutcome>(compute());
  } catch (...) {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(key);
    lru_.erase(it->second.lru);
    entries_.erase(it);
    promise.set_exception(std::current_exception());
    throw;
  }
  promise.set_value(value);
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second.bytes = value->bytes();
    bytes_ += it->second.bytes;
    evict_locked();
  }
  return value;
}

void UpstreamCache::evict_locked() {
  // Oldest first; entries still being computed (bytes 0) stay. Holders keep their shared_ptr.
  auto it = lru_.end();
  while (bytes_ > max_bytes_ && it != lru_.begin()) {
    --it;
    const auto entry = entries_.find(*it);
    if (entry->second.bytes > 0.0) {
      bytes_ -= entry->second.bytes;
      entries_.erase(entry);
      it = lru_.erase(it);
    }
  }
}

int UpstreamCache::hits() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

int UpstreamCache::misses() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return misses_;
}

}  // namespace ptlab::experiment
