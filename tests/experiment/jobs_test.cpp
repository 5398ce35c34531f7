// The job planner: shards partition the jobs exactly, finished runs are skipped, and a deep point
// (several settings per seed) plans like a theory point (one setting).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ptlab/experiment/config.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/experiment/jobs.hpp"
#include "ptlab/experiment/runner.hpp"
#include "ptlab/experiment/sweep.hpp"

using namespace ptlab::experiment;

namespace {

// Every (run hash, seed) a plan would run.
std::multiset<RunKey> runs_of(const JobPlan& plan, const std::vector<PlanPoint>& points) {
  std::multiset<RunKey> out;
  for (const Job& j : plan.jobs)
    for (const int s : j.settings) out.emplace(points[static_cast<std::size_t>(j.point)].run_hashes[static_cast<std::size_t>(s)], j.seed);
  return out;
}

std::vector<PlanPoint> theory_points() {
  const SweepSpec sweep = parse_sweep(
      "[sweep]\nseeds = 5\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nvalues = [0.0, 0.5, 1.0]\n"
      "[[sweep.axis]]\nkey = \"downstream.n\"\nvalues = [10, 20]\n", "t.toml");
  std::vector<PlanPoint> points;
  for (const auto& p : grid(sweep)) points.push_back({{run_hash(p.spec)}, p.spec.seed, sweep.seeds});
  return points;
}

std::vector<PlanPoint> deep_points() {
  const DeepSweepSpec sweep = parse_deep_sweep(
      "[transfer]\nalphas = [0.0, 0.25, 1.0]\n[sweep]\nseeds = 4\n[[sweep.axis]]\nkey = \"downstream.per_class\"\n"
      "values = [10, 20, 40]\n", "d.toml");
  std::vector<PlanPoint> points;
  for (const auto& p : deep_grid(sweep)) {
    PlanPoint pp{{}, p.spec.seed, sweep.seeds};
    for (const double s : deep_settings(p.spec)) pp.run_hashes.push_back(deep_run_hash(at_setting(p.spec, s)));
    points.push_back(pp);
  }
  return points;
}

void expect_partition(const std::vector<PlanPoint>& points, const RunKeys& finished, const std::string& what) {
  const JobPlan whole = plan_jobs(points, {}, finished);
  const auto all = runs_of(whole, points);
  for (const int n : {1, 2, 3, 7, 50}) {
    std::multiset<RunKey> together;
    int jobs = 0;
    for (int i = 0; i < n; ++i) {
      const JobPlan part = plan_jobs(points, {i, n}, finished);
      EXPECT_EQ(part.counts.total, whole.counts.total) << what << " " << i << "/" << n;
      EXPECT_EQ(part.counts.to_run + part.counts.skipped + part.counts.other_shards, part.counts.total) << what;
      const auto mine = runs_of(part, points);
      EXPECT_EQ(static_cast<int>(mine.size()), part.counts.to_run) << what;
      together.insert(mine.begin(), mine.end());
      jobs += static_cast<int>(part.jobs.size());
    }
    EXPECT_EQ(together, all) << what << ": the union of " << n << " shards is the whole plan, each run once";
    EXPECT_EQ(jobs, static_cast<int>(whole.jobs.size())) << what;
  }
}

}  // namespace

TEST(JobPlanner, ShardsPartitionTheoryAndDeepJobsExactly) {
  const auto theory = theory_points();
  const auto deep = deep_points();
  ASSERT_EQ(theory.size(), 6u);
  ASSERT_EQ(deep.size(), 3u);
  EXPECT_EQ(plan_jobs(theory).counts.total, 30);
  EXPECT_EQ(plan_jobs(theory).jobs.size(), 30u);
  EXPECT_EQ(plan_jobs(deep).counts.total, 36);   // 3 points × 3 settings × 4 seeds
  EXPECT_EQ(plan_jobs(deep).jobs.size(), 12u);   // one job per (point, seed)
  // Distinct run hashes: every setting of every point is its own run.
  std::set<std::string> hashes;
  for (const auto& p : deep) hashes.insert(p.run_hashes.begin(), p.run_hashes.end());
  EXPECT_EQ(hashes.size(), 9u);
  expect_partition(theory, {}, "theory");
  expect_partition(deep, {}, "deep");
  // With some runs finished, the shards still partition what is left.
  RunKeys finished{{theory[1].run_hashes[0], 2}, {theory[4].run_hashes[0], 0}};
  expect_partition(theory, finished, "theory, some finished");
  RunKeys deep_finished{{deep[0].run_hashes[1], 0}, {deep[2].run_hashes[0], 3}, {deep[2].run_hashes[1], 3},
                        {deep[2].run_hashes[2], 3}};
  expect_partition(deep, deep_finished, "deep, some finished");
}

TEST(JobPlanner, FinishedRunsAreSkippedAndAJobKeepsOnlyItsPendingSettings) {
  const auto theory = theory_points();
  const JobPlan t = plan_jobs(theory, {}, {{theory[0].run_hashes[0], 0}, {theory[0].run_hashes[0], 4}});
  EXPECT_EQ(t.counts.skipped, 2);
  EXPECT_EQ(t.counts.to_run, 28);
  for (const Job& j : t.jobs) EXPECT_FALSE(j.point == 0 && (j.seed == 0 || j.seed == 4));
  // A finished run of another config or seed changes nothing.
  EXPECT_EQ(plan_jobs(theory, {}, {{"not-a-hash", 0}, {theory[0].run_hashes[0], 99}}).counts.to_run, 30);

  const auto deep = deep_points();
  // Point 1, seed 2: settings 0 and 2 finished → its job runs setting 1 only. Point 2, seed 0: all
  // finished → no job at all.
  const RunKeys done{{deep[1].run_hashes[0], 2}, {deep[1].run_hashes[2], 2}, {deep[2].run_hashes[0], 0},
                     {deep[2].run_hashes[1], 0}, {deep[2].run_hashes[2], 0}};
  const JobPlan d = plan_jobs(deep, {}, done);
  EXPECT_EQ(d.counts.skipped, 5);
  EXPECT_EQ(d.counts.to_run, 31);
  EXPECT_EQ(d.jobs.size(), 11u);
  std::map<std::pair<int, std::uint64_t>, std::vector<int>> settings;
  for (const Job& j : d.jobs) settings[{j.point, j.seed}] = j.settings;
  EXPECT_EQ(settings.at({1, 2}), (std::vector<int>{1}));
  EXPECT_EQ(settings.at({1, 3}), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(settings.count({2, 0}), 0u);
}

TEST(JobPlanner, ShardAssignmentIsPointMajorOverSeedsAndLongestFirstIsStable) {
  const std::vector<PlanPoint> points{{{"a"}, 10, 2, 1.0}, {{"b"}, 0, 3, 5.0}};
  // Jobs numbered a/10, a/11, b/0, b/1, b/2: shard 1 of 2 takes numbers 1 and 3.
  const JobPlan s = plan_jobs(points, {1, 2});
  ASSERT_EQ(s.jobs.size(), 2u);
  EXPECT_EQ(s.jobs[0].point, 0);
  EXPECT_EQ(s.jobs[0].seed, 11u);
  EXPECT_EQ(s.jobs[1].point, 1);
  EXPECT_EQ(s.jobs[1].seed, 1u);
  JobPlan all = plan_jobs(points);
  longest_first(all, points);
  std::vector<std::pair<int, std::uint64_t>> order;
  for (const Job& j : all.jobs) order.emplace_back(j.point, j.seed);
  EXPECT_EQ(order, (std::vector<std::pair<int, std::uint64_t>>{{1, 0}, {1, 1}, {1, 2}, {0, 10}, {0, 11}}));
}

TEST(JobPlanner, APlanOfMoreRunsThanTheLimitIsRefusedBeforeAnyJobIsMade) {
  // 30000 points of 5000 seeds: 1.5·10⁸ runs, more than an int-indexed plan should hold.
  const std::vector<PlanPoint> points(30000, PlanPoint{{"h"}, 0, 5000, 1.0});
  try {
    plan_jobs(points);
    ADD_FAILURE() << "no error";
  } catch (const ptlab::core::InputError& e) {
    EXPECT_STREQ(e.what(), "the sweep plans 1.5e+08 runs (30000 points × their seeds and settings); the limit is "
                           "100000000 (use fewer seeds or axis values)");
  }
  const std::vector<PlanPoint> fine(3, PlanPoint{{"h"}, 0, 5000, 1.0});
  EXPECT_EQ(plan_jobs(fine).counts.total, 15000);
}

TEST(JobPlanner, ShardTextIsParsedStrictly) {
  EXPECT_EQ(parse_shard("3/8").index, 3);
  EXPECT_EQ(parse_shard("3/8").count, 8);
  EXPECT_EQ(parse_shard("0/1").count, 1);
  for (const char* bad : {"", "3", "/8", "3/", "8/8", "-1/4", "1/0", "1/4x", "a/b", "1//4", " 1/4"})
    EXPECT_THROW(parse_shard(bad), ptlab::core::InputError) << bad;
  try {
    parse_shard("4/4");
    FAIL() << "4/4 accepted";
  } catch (const ptlab::core::InputError& e) {
    EXPECT_STREQ(e.what(), "--shard 4/4: expected I/N with 0 ≤ I < N, e.g. 0/4");
  }
}

TEST(Runner, ThreadsRunnerPutsEveryPlannedRunOnceAndCountsFailures) {
  const std::vector<PlanPoint> points{{{"x", "y"}, 0, 3, 1.0}, {{"z"}, 5, 2, 1.0}};
  MemorySink sink;
  sink.put(RunOutput{0, 1, "y", 1, {}, "", "", EncodedRecord{"done", "{}", "", ""}});  // finished before
  const JobFn run = [](const Job& job, const Emit& emit) {
    for (const int s : job.settings) {
      RunOutput out{job.point, s, job.point == 0 ? (s == 0 ? "x" : "y") : "z", job.seed, {}, "", "", {}};
      if (job.point == 1 && job.seed == 6) out.error = "boom";  // a failed run: monostate record
      else out.record = EncodedRecord{"done", "{}", "", ""};
      emit(std::move(out));
    }
  };
  int last_done = 0, last_total = 0;
  const ExecResult r = execute(points, [&]() -> Sink& { return sink; }, run,
                               {.threads = 3, .progress = [&](int done, int total) { last_done = done, last_total = total; }});
  EXPECT_EQ(r.counts.total, 8);
  EXPECT_EQ(r.counts.skipped, 1);
  EXPECT_EQ(r.ran, 7);
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(last_done, 7);
  EXPECT_EQ(last_total, 7);
  EXPECT_EQ(sink.runs().size(), 8u);
  // The failed run is not finished: a rerun would retry it, and only it.
  EXPECT_EQ(sink.finished().size(), 7u);
  EXPECT_EQ(sink.finished().count({"z", 6}), 0u);
  EXPECT_EQ(plan_jobs(points, {}, sink.finished()).counts.to_run, 1);
}
