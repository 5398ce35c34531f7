#pragma once
// Holding back interrupts while output is put in place, so that a result appears whole or not at
// all (docs/reliability.md).
namespace ptlab::core {

/// While at least one DeferSignals is alive, SIGINT, SIGTERM and SIGHUP do not stop the process:
/// a handler installed for every thread records the signal, and when the last guard ends the
/// previous dispositions are restored and a recorded signal is re-sent to the process, which then
/// stops (or not) as it would have. A per-thread signal mask is not enough: OpenBLAS and LibTorch
/// start threads, with signals unblocked, when they are loaded, and the kernel may deliver a
/// process-directed signal to any of them. SIGKILL cannot be held back; what it interrupts is
/// cleaned up by the next write (store/run_dir.hpp). Thread-safe; nesting is allowed.
class DeferSignals {
 public:
  DeferSignals();
  ~DeferSignals();
  DeferSignals(const DeferSignals&) = delete;
  DeferSignals& operator=(const DeferSignals&) = delete;
};

}  // namespace ptlab::core
