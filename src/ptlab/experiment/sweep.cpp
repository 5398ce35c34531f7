#include "ptlab/experiment/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/detail/axis.hpp"
#include "ptlab/experiment/detail/parallel.hpp"
#include "ptlab/experiment/upstream_cache.hpp"
#include "ptlab/experiment/detail/toml_config.hpp"

namespace ptlab::experiment {

SweepSpec parse_sweep(const std::string& text, const std::string& source_name,
                      const std::vector<std::string>& overrides) {
  const toml::table table = detail::parse_toml(text, source_name);
  const toml::node* sweep_node = table.get("sweep");
  if (sweep_node == nullptr || !sweep_node->is_table())
    throw core::InputError(fmt::format("{}: no [sweep] table; expected [sweep] with [[sweep.axis]] entries", source_name));
  const toml::table& sweep = *sweep_node->as_table();

  SweepSpec out;
  out.base = detail::spec_from_table(table, source_name, true);
  for (const auto& o : overrides) apply_override(out.base, o);
  const auto problem = [&](const std::string& key, const std::string& value) {
    ExperimentSpec probe = out.base;
    try {
      apply_override(probe, key + "=" + value);
    } catch (const core::InputError& e) {
      // "--set K=V: K = V: expected ..." → "K = V: expected ..."
      std::string why = e.what();
      const std::string prefix = "--set " + key + "=" + value + ": ";
      return why.rfind(prefix, 0) == 0 ? why.substr(prefix.size()) : why;
    }
    return std::string();
  };
  auto table_values = detail::parse_sweep_table(sweep, source_name, 1000000, key_type, problem, overrides);
  out.seeds = table_values.seeds > 0 ? table_values.seeds : out.base.seeds;
  out.axes = std::move(table_values.axes);
  if (out.base.dynamics.full)
    throw core::InputError(fmt::format("{}: dynamics.full = true: a study stores γ/ρ summaries only; expected false "
                                       "(ptlab run --out writes the full coefficients)", source_name));
  return out;
}

SweepSpec load_sweep(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_sweep(detail::read_text(path), path, overrides);
}

std::vector<GridPoint> grid(const SweepSpec& sweep) {
  std::vector<GridPoint> points{GridPoint{sweep.base, {}}};
  for (const Axis& axis : sweep.axes) {
    std::vector<GridPoint> next;
    for (const GridPoint& p : points)
      for (const auto& v : axis.values) {
        GridPoint q = p;
        apply_override(q.spec, axis.key + "=" + v);
        q.values.push_back(v);
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  for (GridPoint& p : points) p.spec.seeds = sweep.seeds;
  return points;
}

SweepCounts run_sweep(const SweepSpec& sweep, const std::vector<GridPoint>& points, const SweepOptions& options) {
  SweepCounts counts;
  std::vector<SweepJob> jobs;
  for (int p = 0; p < static_cast<int>(points.size()); ++p)
    for (int i = 0; i < sweep.seeds; ++i) {
      const SweepJob job{p, points[p].spec.seed + static_cast<std::uint64_t>(i)};
      const int index = counts.total++;
      if (index % options.shard_count != options.shard_index) {
        ++counts.other_shards;
      } else if (options.skip && options.skip(points[p], job)) {
        ++counts.skipped;
      } else {
        jobs.push_back(job);
      }
    }
  const int threads = detail::resolve_threads(options.threads, static_cast<int>(jobs.size()));
  for (const GridPoint& p : points) check_memory(p.spec, threads);

  std::vector<SeedRecord> records(jobs.size());
  std::vector<std::string> errors(jobs.size());
  UpstreamCache upstreams;  // points that differ only downstream share their upstream runs
  detail::parallel_for(
      static_cast<int>(jobs.size()), threads,
      [&](int j) {
        const SweepJob& job = jobs[static_cast<std::size_t>(j)];
        try {
          records[static_cast<std::size_t>(j)] = run_seed(points[job.point].spec, job.seed, &upstreams);
        } catch (const std::exception& e) {
          errors[static_cast<std::size_t>(j)] = e.what();  // one failed cell never stops a sweep
        }
      },
      [&](int j) {
        const auto k = static_cast<std::size_t>(j);
        const SweepJob& job = jobs[k];
        ++counts.ran;
        counts.failed += errors[k].empty() ? 0 : 1;
        if (options.on_result)
          options.on_result(points[job.point], job, errors[k].empty() ? &records[k] : nullptr, errors[k]);
        records[k] = SeedRecord{};  // free the curves once handed over
      });
  return counts;
}

}  // namespace ptlab::experiment
