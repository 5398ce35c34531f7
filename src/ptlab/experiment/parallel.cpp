#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "ptlab/experiment/detail/parallel.hpp"

namespace ptlab::experiment::detail {

void parallel_for(int n, int threads, const std::function<void(int)>& body, const std::function<void(int)>& done) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards `error` and the done() calls
  std::exception_ptr error;
  const auto worker = [&]() {
    for (int i = next++; i < n && !failed; i = next++) {
      try {
        body(i);
        const std::lock_guard lock(mutex);
        if (done) done(i);
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
  }
  if (error) std::rethrow_exception(error);
}

int resolve_threads(int requested, int items) {
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::clamp(requested > 0 ? requested : hw, 1, std::max(1, items));
}

}  // namespace ptlab::experiment::detail
