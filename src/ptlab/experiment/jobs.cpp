#include "ptlab/experiment/jobs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "ptlab/core/error.hpp"

namespace ptlab::experiment {

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard s{-1, 0};
  if (slash != std::string::npos) {
    const char* begin = text.data();
    const char* mid = begin + slash;
    const char* end = begin + text.size();
    const auto a = std::from_chars(begin, mid, s.index);
    const auto b = std::from_chars(mid + 1, end, s.count);
    if (a.ptr != mid || a.ec != std::errc() || b.ptr != end || b.ec != std::errc() || slash == 0) s = {-1, 0};
  }
  if (s.count < 1 || s.index < 0 || s.index >= s.count)
    throw core::InputError(fmt::format("--shard {}: expected I/N with 0 ≤ I < N, e.g. 0/4", text));
  return s;
}

void check_plan_size(const std::vector<PlanPoint>& points) {
  // Counts and indices are int; refuse a plan whose run count would overflow them (or that no
  // machine could finish) before building any of it.
  double runs = 0;
  for (const PlanPoint& point : points) runs += static_cast<double>(point.seeds) * static_cast<double>(point.run_hashes.size());
  if (runs > static_cast<double>(kMaxPlannedRuns))
    throw core::InputError(fmt::format("the sweep plans {:.4g} runs ({} points × their seeds and settings); the limit is {} "
                                       "(use fewer seeds or axis values)", runs, points.size(), kMaxPlannedRuns));
}

JobPlan plan_jobs(const std::vector<PlanPoint>& points, const Shard& shard, const RunKeys& finished) {
  check_plan_size(points);
  JobPlan plan;
  int index = 0;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const PlanPoint& point = points[p];
    const int settings = static_cast<int>(point.run_hashes.size());
    for (int i = 0; i < point.seeds; ++i, ++index) {
      plan.counts.total += settings;
      if (index % shard.count != shard.index) {
        plan.counts.other_shards += settings;
        continue;
      }
      Job job{static_cast<int>(p), point.first_seed + static_cast<std::uint64_t>(i), {}};
      for (int s = 0; s < settings; ++s)
        if (finished.count({point.run_hashes[static_cast<std::size_t>(s)], job.seed}) == 0) job.settings.push_back(s);
      plan.counts.skipped += settings - static_cast<int>(job.settings.size());
      plan.counts.to_run += static_cast<int>(job.settings.size());
      if (!job.settings.empty()) plan.jobs.push_back(std::move(job));
    }
  }
  return plan;
}

void longest_first(JobPlan& plan, const std::vector<PlanPoint>& points) {
  std::stable_sort(plan.jobs.begin(), plan.jobs.end(), [&](const Job& a, const Job& b) {
    return points[static_cast<std::size_t>(a.point)].cost > points[static_cast<std::size_t>(b.point)].cost;
  });
}

}  // namespace ptlab::experiment
