#include "ptlab/experiment/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/detail/axis.hpp"
#include "ptlab/experiment/detail/parallel.hpp"
#include "ptlab/experiment/sampling.hpp"
#include "ptlab/experiment/upstream_cache.hpp"
#include "ptlab/experiment/detail/toml_config.hpp"

namespace ptlab::experiment {

SweepSpec parse_sweep(const std::string& text, const std::string& source_name,
                      const std::vector<std::string>& overrides) {
  const toml::table table = parse_toml(text, source_name);
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
  return grid_of(sweep.base, sweep.axes, sweep.seeds, [](ExperimentSpec spec, const std::string& key, const std::string& v) {
    apply_override(spec, key + "=" + v);
    return spec;
  });
}

StudyKey study_key(const SweepSpec& sweep) {
  StudyKey key{StudyKey::Kind::theory, run_hash(sweep.base) + " axes:", {}};
  for (const auto& a : sweep.axes) {
    key.id += " " + a.key;
    key.axes.push_back(a.key);
  }
  return key;
}

ExecResult run_sweep(const SweepSpec& sweep, const OpenSink& open_sink, const SweepRunOptions& options) {
  const std::vector<GridPoint> points = grid(sweep);
  for (const GridPoint& p : points) {  // before the sink (a store file) exists
    check_memory(p.spec, 1);
    try {
      (void)resolve_sampling(p.spec, p.spec.scratch_only());
      if (const std::string why = cross_key_invalid_reason(p.spec); !why.empty()) throw core::InputError(why);
    } catch (const core::InputError& e) {
      std::string at;
      for (std::size_t a = 0; a < sweep.axes.size(); ++a) at += fmt::format("{}{} = {}", a ? ", " : "", sweep.axes[a].key, p.values[a]);
      throw core::InputError(fmt::format("sweep point {}: {}", at, e.what()));
    }
  }
  std::vector<PlanPoint> plan_points;
  std::vector<std::vector<std::pair<std::string, std::string>>> values;
  for (const GridPoint& p : points) {
    plan_points.push_back({{run_hash(p.spec)}, p.spec.seed, sweep.seeds});
    auto& v = values.emplace_back();
    for (std::size_t a = 0; a < sweep.axes.size(); ++a) v.emplace_back(sweep.axes[a].key, p.values[a]);
  }
  UpstreamCache upstreams;  // points that differ only downstream share their upstream runs
  const JobFn run = [&](const Job& job, const Emit& emit) {
    const GridPoint& p = points[static_cast<std::size_t>(job.point)];
    RunOutput out{job.point, 0, plan_points[static_cast<std::size_t>(job.point)].run_hashes[0], job.seed,
                  values[static_cast<std::size_t>(job.point)], canonical_toml(p.spec), "", {}};
    try {
      out.record = run_seed(p.spec, job.seed, &upstreams);
    } catch (const std::exception& e) {
      out.error = e.what();  // one failed cell never stops a sweep
    }
    emit(std::move(out));
  };
  ExecOptions exec{.launch = options.launch, .threads = options.threads, .shard = options.shard,
                   .codec = options.codec, .progress = options.progress};
  exec.planned = [&](const JobPlan& plan) {
    const int threads = detail::resolve_threads(options.threads, static_cast<int>(plan.jobs.size()));
    for (const GridPoint& p : points) check_memory(p.spec, options.launch == Launch::mpi ? 1 : threads);
  };
  return execute(plan_points, open_sink, run, exec);
}

}  // namespace ptlab::experiment
