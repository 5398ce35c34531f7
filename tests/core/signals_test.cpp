// core::DeferSignals holds SIGINT/SIGTERM/SIGHUP back in every thread and re-sends them at its end.
#include "ptlab/core/signals.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <optional>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Outcome {
  bool section_finished = false;  // the child reached the end of its section
  int status = 0;                 // waitpid's status
};

// In a child process: a thread with signals unblocked (as OpenBLAS starts its own), the calling
// thread with `sig` blocked, so the kernel delivers the process-directed signal to the other
// thread. After the section's work the child writes one byte to a pipe, then ends the guard.
Outcome run_child(int sig, bool guarded) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::atomic<bool> stop{false};
    std::thread worker([&] {
      sigset_t none;
      sigemptyset(&none);
      pthread_sigmask(SIG_SETMASK, &none, nullptr);
      while (!stop) usleep(1000);
    });
    std::optional<ptlab::core::DeferSignals> guard;
    if (guarded) guard.emplace();
    ::kill(::getpid(), sig);
    usleep(200000);  // the signal reaches the worker meanwhile
    stop = true;
    worker.join();
    const char done = 'x';
    if (write(fds[1], &done, 1) != 1) _exit(9);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    guard.reset();  // re-sends the held-back signal
    _exit(7);
  }
  close(fds[1]);
  Outcome o;
  char c = 0;
  o.section_finished = read(fds[0], &c, 1) == 1;
  close(fds[0]);
  waitpid(pid, &o.status, 0);
  return o;
}

}  // namespace

TEST(DeferSignals, ASignalToAnotherThreadWaitsForTheSectionThenStopsTheProcess) {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    // The premise: without the guard the signal stops the process inside the section.
    const Outcome bare = run_child(sig, false);
    EXPECT_FALSE(bare.section_finished) << sig;
    ASSERT_TRUE(WIFSIGNALED(bare.status)) << sig;
    EXPECT_EQ(WTERMSIG(bare.status), sig);
    // With it the section finishes, and then the same signal stops the process.
    const Outcome held = run_child(sig, true);
    EXPECT_TRUE(held.section_finished) << sig;
    ASSERT_TRUE(WIFSIGNALED(held.status)) << sig << ": exit " << WEXITSTATUS(held.status);
    EXPECT_EQ(WTERMSIG(held.status), sig);
  }
}

TEST(DeferSignals, NestedGuardsHoldUntilTheOutermostEnds) {
  const pid_t pid = fork();
  if (pid == 0) {
    {
      ptlab::core::DeferSignals outer;
      {
        ptlab::core::DeferSignals inner;
        ::kill(::getpid(), SIGTERM);
      }
      usleep(50000);  // still held: the inner guard's end re-sends nothing
      if (write(STDOUT_FILENO, "", 0) < 0) _exit(9);
      _exit(7);  // exits before the outer guard ends: the signal was never re-sent
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
}
