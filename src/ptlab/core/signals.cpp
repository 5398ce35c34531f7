#include "ptlab/core/signals.hpp"

#include <csignal>
#include <mutex>
#include <signal.h>
#include <unistd.h>

namespace ptlab::core {
namespace {

// Signal dispositions are process-wide, so the state that tracks them is too: one set of saved
// actions and one recorded signal for the whole process, guarded by a mutex (never taken in the
// handler, which only stores to a sig_atomic_t).
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
std::mutex g_mutex;
int g_depth = 0;
struct sigaction g_saved[3];
volatile std::sig_atomic_t g_pending = 0;

extern "C" void record_signal(int sig) { g_pending = sig; }

}  // namespace

DeferSignals::DeferSignals() {
  const std::lock_guard<std::mutex> lock(g_mutex);
  if (g_depth++ > 0) return;
  g_pending = 0;
  struct sigaction ours {};
  ours.sa_handler = record_signal;
  sigemptyset(&ours.sa_mask);
  ours.sa_flags = SA_RESTART;  // writes and renames in progress go on instead of failing with EINTR
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &ours, &g_saved[i]);
}

DeferSignals::~DeferSignals() {
  const std::lock_guard<std::mutex> lock(g_mutex);
  if (--g_depth > 0) return;
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &g_saved[i], nullptr);
  const int pending = g_pending;
  g_pending = 0;
  if (pending != 0) ::kill(::getpid(), pending);  // as if it arrived now, under the restored disposition
}

}  // namespace ptlab::core
