// run_deep_sweep (experiment/deep_sweep.hpp): deep grid points as planner jobs. Compiled into the
// library that defines run_deep (the deep half, or the theory half's fallback without LibTorch).
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/experiment/runner.hpp"

namespace ptlab::experiment {
namespace {

namespace fs = std::filesystem;

// A setting as a literal that reads back as the same JSON number (0 → "0.0", as the point JSON
// of a stored deep run has always held it).
std::string setting_literal(double setting) {
  std::string s = fmt::format("{}", setting);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

void check_checkpoints(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path probe = fs::path(dir) / ".ptlab-write-test";
  {
    std::ofstream out(probe);
    out << "x";
    if (!out || ec)
      throw core::InputError(fmt::format("--checkpoints {}: cannot create or write files there ({}); expected a "
                                         "writable directory", dir, ec ? ec.message() : std::string("write failed")));
  }
  fs::remove(probe, ec);
}


DeepSweepOutcome run_deep_sweep(const DeepSweepSpec& sweep, const OpenSink& open_sink,
                                const DeepSweepRunOptions& options) {
  const auto points = deep_grid(sweep);
  for (const auto& p : points) check_deep(p.spec);  // before the sink (a store file) exists
  check_checkpoints(options.checkpoints);

  std::vector<PlanPoint> plan_points;
  std::vector<std::vector<double>> settings;
  for (const auto& p : points) {
    PlanPoint& pp = plan_points.emplace_back(PlanPoint{{}, p.spec.seed, sweep.seeds});
    settings.push_back(deep_settings(p.spec));
    for (const double s : settings.back()) pp.run_hashes.push_back(deep_run_hash(at_setting(p.spec, s)));
  }
  DeepSweepOutcome outcome;
  outcome.wall_s.assign(points.size(), 0.0);
  int started = 0, planned = 0;
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const JobFn run = [&](const Job& job, const Emit& emit) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto point = static_cast<std::size_t>(job.point);
    const DeepGridPoint& p = points[point];
    if (options.job_started) options.job_started(++started, planned, job);
    DeepSpec spec = p.spec;
    spec.seed = job.seed;
    spec.seeds = 1;
    if (options.threads > 0) spec.threads = options.threads;
    else if (spec.threads == 0 && options.launch == Launch::mpi) spec.threads = std::max(1, hw / local_ranks());
    std::vector<double> pending;
    for (const int s : job.settings) pending.push_back(settings[point][static_cast<std::size_t>(s)]);
    DeepRunOptions o{.checkpoints = options.checkpoints, .message = options.message, .batches = options.batches};
    o.skip = [&](std::uint64_t, double setting) {
      return std::find(pending.begin(), pending.end(), setting) == pending.end();
    };
    o.on_record = [&](const DeepRecord& r) {
      const auto& all = settings[point];
      const int index = static_cast<int>(std::find(all.begin(), all.end(), r.setting) - all.begin());
      RunOutput out{job.point, index, plan_points[point].run_hashes[static_cast<std::size_t>(index)], r.seed, {},
                    deep_canonical_toml(at_setting(p.spec, r.setting)), "", r};
      for (std::size_t a = 0; a < sweep.axes.size(); ++a) out.values.emplace_back(sweep.axes[a].key, p.values[a]);
      out.values.emplace_back(deep_setting_key(p.spec), setting_literal(r.setting));
      emit(std::move(out));
    };
    const DeepResult result = run_deep(spec, o);
    if (outcome.transfer_report.empty()) outcome.transfer_report = result.transfer_report;
    outcome.threads = result.threads;
    outcome.device = result.device;
    outcome.wall_s[point] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  // One job at a time: LibTorch seeds its generator globally, and each job uses all its threads.
  ExecOptions exec{.launch = options.launch, .threads = 1, .shard = options.shard, .codec = options.codec};
  exec.planned = [&](const JobPlan& plan) { planned = static_cast<int>(plan.jobs.size()); };
  outcome.exec = execute(plan_points, open_sink, run, exec);
  return outcome;
}

}  // namespace ptlab::experiment
