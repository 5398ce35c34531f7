#pragma once
// The job planner: the one place that turns (grid points × seeds, a shard, what is already
// finished) into the jobs a runner executes. Both halves use it: a theory point has one run per
// seed; a deep point has one run per setting (α or k) per seed, and its job is the (point, seed)
// pair, so that one upstream training serves every pending setting of that seed.
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ptlab::experiment {

/// The key of one stored run: (run hash of its config, seed).
using RunKey = std::pair<std::string, std::uint64_t>;
using RunKeys = std::set<RunKey>;

/// A static partition of the jobs for job arrays (e.g. Slurm): this process runs job j (numbered
/// over points × seeds, point-major) only if j mod count == index.
struct Shard {
  int index = 0;
  int count = 1;
};

/// Parses "I/N" with 0 ≤ I < N (e.g. "3/8"). Throws core::InputError naming the text otherwise.
Shard parse_shard(const std::string& text);

/// What the planner needs of one grid point.
struct PlanPoint {
  std::vector<std::string> run_hashes;  ///< one per setting; a theory point has exactly one
  std::uint64_t first_seed = 0;         ///< seeds first_seed … first_seed + seeds − 1
  int seeds = 1;
  double cost = 1.0;                    ///< relative cost of one job (for longest_first)
};

/// One unit of work: a point at a seed, and which of its settings are still to run.
struct Job {
  int point = 0;
  std::uint64_t seed = 0;
  std::vector<int> settings;  ///< indices into the point's run_hashes, ascending, never empty
};

/// Counts in runs (one run = one (run hash, seed) pair), not jobs.
struct JobCounts {
  int total = 0;         ///< every run of the grid
  int other_shards = 0;  ///< left to the other shards
  int skipped = 0;       ///< already finished
  int to_run = 0;        ///< in this plan's jobs
};

struct JobPlan {
  std::vector<Job> jobs;  ///< point-major, seed-minor (unless reordered by longest_first)
  JobCounts counts;
};

/// Most runs (points × seeds × settings) one plan may hold.
inline constexpr long long kMaxPlannedRuns = 100'000'000;

/// Throws core::InputError when `points` hold more than kMaxPlannedRuns runs (called before any
/// sink, such as a study file, is opened).
void check_plan_size(const std::vector<PlanPoint>& points);

/// The jobs of `points` in `shard` whose runs are not all in `finished`. A job keeps only its
/// unfinished settings. The shards of one grid partition its jobs exactly, whatever is finished.
/// Throws core::InputError for more than kMaxPlannedRuns runs.
JobPlan plan_jobs(const std::vector<PlanPoint>& points, const Shard& shard = {}, const RunKeys& finished = {});

/// Reorders the jobs by decreasing point cost (stable), so that the last jobs running are short.
void longest_first(JobPlan& plan, const std::vector<PlanPoint>& points);

}  // namespace ptlab::experiment
