#pragma once
// Internal: the one thread pool of ptlab. Work items are independent runs, each single-threaded,
// so results never depend on the thread count.
#include <functional>

namespace ptlab::experiment::detail {

/// Runs body(i) for every i in [0, n) on `threads` threads (the caller's among them), handing out
/// indices dynamically so that slow items do not stall a thread. After each body(i), done(i) is
/// called under a lock (one call at a time, in completion order). After the first exception no
/// new item starts, and that exception is rethrown once the running items finish.
void parallel_for(int n, int threads, const std::function<void(int)>& body, const std::function<void(int)>& done);

/// `requested` threads (0 = all hardware threads), at least 1 and at most max(1, items).
int resolve_threads(int requested, int items);

}  // namespace ptlab::experiment::detail
