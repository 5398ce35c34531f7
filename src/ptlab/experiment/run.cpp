#include "ptlab/experiment/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/data/task.hpp"
#include "ptlab/experiment/detail/parallel.hpp"
#include "ptlab/experiment/sampling.hpp"
#include "ptlab/experiment/upstream_cache.hpp"
#include "ptlab/model/cnn.hpp"

namespace ptlab::experiment {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

PhaseRecord to_record(const train::TrainResult& r, double wall_s) {
  return PhaseRecord{r.status, r.steps, r.train_loss, r.train_error, r.test_error, r.test_error_true,
                     r.curve, wall_s, r.backend};
}

train::GdOptions with_curve(train::GdOptions gd, int curve_every, train::Backend backend) {
  gd.curve_every = curve_every;
  gd.backend = backend;
  return gd;
}

// Per filter: 1 if copied whole from upstream, 0 if fresh, 0.5 if mixed (entry rule).
Eigen::VectorXd inherited_filters(const Eigen::MatrixXd& inherited) {
  Eigen::VectorXd flags(inherited.rows());
  for (Eigen::Index r = 0; r < inherited.rows(); ++r) {
    const double copied = inherited.row(r).sum();
    flags(r) = copied == static_cast<double>(inherited.cols()) ? 1.0 : copied == 0.0 ? 0.0 : 0.5;
  }
  return flags;
}

// A recorder for one phase, or none when dynamics are off.
std::unique_ptr<dynamics::Recorder> recorder(const ExperimentSpec& spec, const data::Dataset& train,
                                             const data::Signals& signals, const dynamics::Probes& probes,
                                             Eigen::VectorXd inherited = {}) {
  if (spec.dynamics.every <= 0) return nullptr;
  return std::make_unique<dynamics::Recorder>(spec.dynamics, train,
                                              dynamics::signal_directions(spec.frame.layout, signals),
                                              dynamics::signal_names(spec.frame.layout), probes,
                                              std::move(inherited), 2 * spec.model.m);
}

train::StepObserver observer_of(const std::unique_ptr<dynamics::Recorder>& r) {
  return r ? r->observer() : train::StepObserver{};
}

dynamics::PhaseDynamics take(const std::unique_ptr<dynamics::Recorder>& r) {
  return r ? r->take() : dynamics::PhaseDynamics{};
}

}  // namespace

bool SeedRecord::valid() const {
  return upstream.status != train::Status::diverged && transfer.status != train::Status::diverged &&
         scratch.status != train::Status::diverged;
}

double UpstreamOutcome::bytes() const {
  return 8.0 * static_cast<double>(W.size()) + static_cast<double>(record.curve.size() * sizeof(train::CurvePoint)) +
         static_cast<double>(dynamics.summary.size()) * (sizeof(dynamics::SummaryRow) + 16.0) + 1024.0;
}

UpstreamOutcome run_upstream(const ExperimentSpec& spec, std::uint64_t seed) {
  // Whatever run.phases says (advise and score train upstreams of any spec), these phases take
  // no bias; a spec built in code or by a sweep axis skips parse_config's check, so check here.
  if (spec.model.bias) throw core::InputError(kBiasInTransferPhases);
  using core::Rng;
  using core::Stream;
  const data::FrameOptions& frame = spec.frame;
  const SeedBases bases = seed_bases(spec);
  const data::Signals s1 = data::make_signals(frame, spec.upstream, 1, bases.up_width);
  Rng up_train_rng = Rng::stream(seed, Stream::upstream_train);
  Rng up_test_rng = Rng::stream(seed, Stream::upstream_test);
  Rng up_init_rng = Rng::stream(seed, Stream::upstream_init);
  const data::Dataset up_train = data::sample(frame, spec.upstream, s1, spec.upstream.n, up_train_rng, bases.up_train);
  const data::Dataset up_test = data::sample(frame, spec.upstream, s1, frame.n_test, up_test_rng, bases.up_test);
  const data::Signals s2 = data::make_signals(frame, spec.downstream, 2, bases.up_width);
  const dynamics::Probes probes{s1.u, s1.v, s2.v};
  const auto up_dynamics = recorder(spec, up_train, s1, probes);
  const auto t0 = Clock::now();
  train::TrainResult up = train::gradient_descent(model::init_weights(spec.model, bases.up_init, up_init_rng), {},
                                                  up_train, up_test, spec.model,
                                                  with_curve(spec.upstream_train, spec.curve_every, spec.backend),
                                                  observer_of(up_dynamics));
  return UpstreamOutcome{std::move(up.W), to_record(up, seconds_since(t0)), take(up_dynamics)};
}

DownstreamStart downstream_start(const ExperimentSpec& spec, std::uint64_t seed, const model::Weights& upstream) {
  if (spec.model.bias) throw core::InputError(kBiasInTransferPhases);
  const SeedBases bases = seed_bases(spec);
  core::Rng train_rng = core::Rng::stream(seed, core::Stream::downstream_train);
  core::Rng init_rng = core::Rng::stream(seed, core::Stream::downstream_init);
  DownstreamStart out{data::make_signals(spec.frame, spec.upstream, 1, bases.down_width),
                      data::make_signals(spec.frame, spec.downstream, 2, bases.down_width),
                      {}, {}, {}};
  out.train = data::sample(spec.frame, spec.downstream, out.s2, spec.downstream.n, train_rng, bases.down_train);
  out.fresh = model::init_weights(spec.model, bases.down_init, init_rng);
  PTLAB_ASSERT(upstream.cols() <= bases.down_width);
  if (upstream.cols() == bases.down_width) {
    out.upstream = upstream;
  } else {  // reduced: the upstream phase used the first 3 + 2m + n1 coordinates only
    out.upstream = model::Weights::Zero(upstream.rows(), bases.down_width);
    out.upstream.leftCols(upstream.cols()) = upstream;
  }
  return out;
}

SeedOutcome run_seed_detailed(const ExperimentSpec& spec, std::uint64_t seed, UpstreamCache* cache) {
  using core::Rng;
  using core::Stream;
  const auto started = Clock::now();
  const data::FrameOptions& frame = spec.frame;
  if (spec.scratch_only()) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    SeedOutcome out;
    SeedRecord& rec = out.record;
    rec.seed = seed;
    for (PhaseRecord* r : {&rec.upstream, &rec.transfer}) {
      r->steps = 0;
      r->train_loss = r->train_error = r->test_error = r->test_error_true = kNaN;
    }
    rec.scratch = run_scratch(spec, seed);
    rec.ntg = rec.ntg_observed = kNaN;
    rec.wall_s = seconds_since(started);
    return out;
  }

  // Upstream: task 1 (shared through the cache by runs that differ only downstream).
  std::shared_ptr<const UpstreamOutcome> up_shared =
      cache != nullptr ? cache->get(spec, seed, [&] { return run_upstream(spec, seed); })
                       : std::make_shared<const UpstreamOutcome>(run_upstream(spec, seed));
  const UpstreamOutcome& up = *up_shared;
  auto t0 = Clock::now();

  // Downstream: task 2, one training set, one test set and one fresh init for both models.
  const DownstreamStart start = downstream_start(spec, seed, up.W);
  const data::Signals& s2 = start.s2;
  const data::Dataset& down_train = start.train;
  const model::Weights& fresh = start.fresh;
  const dynamics::Probes probes{start.s1.u, start.s1.v, s2.v};
  Rng down_test_rng = Rng::stream(seed, Stream::downstream_test);
  Rng choice_rng = Rng::stream(seed, Stream::transfer_choice);
  const data::Dataset down_test =
      data::sample(frame, spec.downstream, s2, frame.n_test, down_test_rng, seed_bases(spec).down_test);
  transfer::TransferResult inherited = transfer::apply(spec.transfer, start.upstream, fresh, s2.u, down_train, choice_rng);

  const train::GdOptions gd = with_curve(spec.downstream_train, spec.curve_every, spec.backend);
  const auto tr_dynamics = recorder(spec, down_train, s2, probes, inherited_filters(inherited.inherited));
  const auto sc_dynamics = recorder(spec, down_train, s2, probes);
  t0 = Clock::now();
  train::TrainResult tr = train::gradient_descent(inherited.W0, transfer::trainable_mask(spec.transfer, inherited),
                                                  down_train, down_test, spec.model, gd, observer_of(tr_dynamics),
                                                  inherited.inherited);  // L2-SP anchors what was inherited
  const double tr_wall = seconds_since(t0);
  t0 = Clock::now();
  train::TrainResult sc = train::gradient_descent(fresh, {}, down_train, down_test, spec.model, gd,
                                                  observer_of(sc_dynamics));
  const double sc_wall = seconds_since(t0);

  SeedOutcome out;
  SeedRecord& rec = out.record;
  rec.seed = seed;
  rec.upstream = up.record;
  rec.transfer = to_record(tr, tr_wall);
  rec.scratch = to_record(sc, sc_wall);
  rec.filters_inherited = inherited.filters_inherited;
  rec.entries_inherited = static_cast<long long>(inherited.entries_inherited);
  rec.upstream_dynamics = up.dynamics;
  rec.transfer_dynamics = take(tr_dynamics);
  rec.scratch_dynamics = take(sc_dynamics);
  if (rec.valid()) {
    rec.ntg = tr.test_error_true - sc.test_error_true;
    rec.ntg_observed = tr.test_error - sc.test_error;
  } else {
    rec.ntg = rec.ntg_observed = std::numeric_limits<double>::quiet_NaN();
  }
  out.upstream_W = start.upstream;
  out.transfer_W = std::move(tr.W);
  out.scratch_W = std::move(sc.W);
  out.transfer = std::move(inherited);
  rec.wall_s = seconds_since(started);
  return out;
}

PhaseRecord run_scratch(const ExperimentSpec& spec, std::uint64_t seed) {
  using core::Rng;
  using core::Stream;
  // Reduced sampling draws the scratch phase in its own, shorter Bartlett order (sampling.hpp):
  // the same law as run_seed's scratch phase; the same bits under direct sampling.
  const SeedBases bases = seed_bases(spec, /*scratch_only=*/true);
  (void)resolve_sampling(spec, spec.scratch_only());  // a `reduced` that a whole run could not use is refused alike
  const data::Signals s2 = data::make_signals(spec.frame, spec.downstream, 2, bases.down_width);
  Rng train_rng = Rng::stream(seed, Stream::downstream_train);
  Rng test_rng = Rng::stream(seed, Stream::downstream_test);
  Rng init_rng = Rng::stream(seed, Stream::downstream_init);
  const data::Dataset train = data::sample(spec.frame, spec.downstream, s2, spec.downstream.n, train_rng, bases.down_train);
  const data::Dataset test = data::sample(spec.frame, spec.downstream, s2, spec.frame.n_test, test_rng, bases.down_test);
  const model::Weights fresh = model::init_weights(spec.model, bases.down_init, init_rng);
  const Eigen::VectorXd fresh_b = model::init_bias(spec.model, bases.down_init, init_rng);
  const auto t0 = Clock::now();
  const train::TrainResult sc = train::gradient_descent(fresh, {}, train, test, spec.model,
                                                        with_curve(spec.downstream_train, spec.curve_every, spec.backend),
                                                        {}, {}, fresh_b);
  return to_record(sc, seconds_since(t0));
}

SeedRecord run_seed(const ExperimentSpec& spec, std::uint64_t seed, UpstreamCache* cache) {
  return run_seed_detailed(spec, seed, cache).record;
}

const Stat& Summary::at(const std::string& name) const {
  for (const auto& [key, stat] : metrics)
    if (key == name) return stat;
  PTLAB_FAIL("no summary metric " + name);  // callers name metrics from summarize()'s fixed list
}

Summary summarize(const std::vector<SeedRecord>& records) {
  using Get = double (*)(const SeedRecord&);
  static const std::vector<std::pair<std::string, Get>> metrics = {
      {"upstream.train_error", [](const SeedRecord& r) { return r.upstream.train_error; }},
      {"upstream.test_error", [](const SeedRecord& r) { return r.upstream.test_error; }},
      {"transfer.train_loss", [](const SeedRecord& r) { return r.transfer.train_loss; }},
      {"transfer.test_error", [](const SeedRecord& r) { return r.transfer.test_error; }},
      {"transfer.test_error_true", [](const SeedRecord& r) { return r.transfer.test_error_true; }},
      {"scratch.train_loss", [](const SeedRecord& r) { return r.scratch.train_loss; }},
      {"scratch.test_error", [](const SeedRecord& r) { return r.scratch.test_error; }},
      {"scratch.test_error_true", [](const SeedRecord& r) { return r.scratch.test_error_true; }},
      {"ntg", [](const SeedRecord& r) { return r.ntg; }},
      {"ntg_observed", [](const SeedRecord& r) { return r.ntg_observed; }},
      {"upstream.steps", [](const SeedRecord& r) { return double(r.upstream.steps); }},
      {"transfer.steps", [](const SeedRecord& r) { return double(r.transfer.steps); }},
      {"scratch.steps", [](const SeedRecord& r) { return double(r.scratch.steps); }},
      {"wall_s", [](const SeedRecord& r) { return r.wall_s; }},
  };
  Summary s;
  s.seeds = static_cast<int>(records.size());
  for (const SeedRecord& r : records) (r.valid() ? s.valid : s.diverged) += 1;
  for (const auto& [name, get] : metrics) {
    std::vector<double> values;
    for (const SeedRecord& r : records)
      if (r.valid() && std::isfinite(get(r))) values.push_back(get(r));  // NaN: a phase not trained (run.phases)
    s.metrics.emplace_back(name, experiment::summarize(values));
  }
  const Stat& ntg = s.at("ntg");
  s.verdict = verdict_text(ntg_verdict(ntg));
  return s;
}

double estimated_bytes_per_seed(const ExperimentSpec& spec) {
  // The vectors' length: d, or the downstream phase's 3 + N₀ coordinates under reduced sampling
  // (an invalid `reduced` is reported by the run itself, so it is estimated as direct here).
  const bool scratch = spec.scratch_only();
  const bool reduced = spec.frame.sampling != data::Sampling::direct && reduced_invalid_reason(spec, scratch).empty() &&
                       3 + model_vectors(spec, scratch) < spec.frame.d;
  const double d = reduced ? 3.0 + static_cast<double>(model_vectors(spec, scratch)) : spec.frame.d;
  const double P = data::patches(spec.frame.layout);
  const double rows = 2.0 * spec.model.m;
  const double n1 = spec.upstream.n, n2 = spec.downstream.n, nt = spec.frame.n_test;
  const double data = d * P * (n1 + n2 + 2 * nt);           // four data sets
  const double weights = 12 * rows * d;                       // W, gradients, inits, masks, results
  const double buffers = rows * P * (2 * std::max(n1, n2) + nt);  // pre-activations, coefficients
  // Span backend (train/span.hpp): distinct patches B and T, Gram H, Bᵀ·T, W(0)·T, coefficients.
  const double K = std::max(n1, n2) + P, Kt = nt + P;
  const double span = d * (K + Kt) + K * K + K * Kt + rows * (Kt + 4 * K);
  return 8.0 * (data + weights + buffers + span);
}

double estimated_record_bytes(const ExperimentSpec& spec) {
  const double steps = spec.upstream_train.steps + 2.0 * spec.downstream_train.steps;
  const double points = steps / spec.curve_every + 6.0;
  double bytes = points * sizeof(train::CurvePoint) + 1024.0;
  if (spec.dynamics.every > 0) {
    const double checkpoints = steps / spec.dynamics.every + 3.0;
    const double S = data::patches(spec.frame.layout) - 1.0;
    bytes += checkpoints * 3.0 * (S + 6.0) * (sizeof(dynamics::SummaryRow) + 16.0);  // 3 groups at most
    if (spec.dynamics.full) {
      const double n = std::max(spec.upstream.n, spec.downstream.n);
      bytes += checkpoints * 8.0 * 2.0 * spec.model.m * (n + S + 1.0);
    }
  }
  return bytes;
}

void check_memory(const ExperimentSpec& spec, int concurrent, int records_held) {
  const double physical = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  const double runs = estimated_bytes_per_seed(spec) * concurrent;
  const double records = estimated_record_bytes(spec) * records_held;
  if (physical > 0 && runs + records > 0.9 * physical)
    throw core::InputError(fmt::format(
        "config needs about {:.1f} GiB ({} seed{} at once: d = {}, m = {}, n1 = {}, n2 = {}, n_test = {}; "
        "{:.1f} GiB of records: {} seeds, curve point every {} steps, dynamics every {} steps{}), more than 90% of this "
        "machine's {:.1f} GiB; "
        "expected smaller sizes, fewer seeds, a larger run.curve_every or dynamics.every, dynamics.full = false or --threads 1",
        (runs + records) / (1 << 30), concurrent, concurrent == 1 ? "" : "s", spec.frame.d, spec.model.m,
        spec.upstream.n, spec.downstream.n, spec.frame.n_test, records / (1 << 30), records_held, spec.curve_every,
        spec.dynamics.every, spec.dynamics.full ? " with full coefficients" : "",
        physical / (1 << 30)));
}

ExperimentResult run_experiment(const ExperimentSpec& spec, const RunOptions& options) {
  const auto start = Clock::now();
  const int n = options.seeds > 0 ? options.seeds : spec.seeds;
  const int threads = detail::resolve_threads(options.threads, n);

  check_memory(spec, threads, n);
  ExperimentResult result;
  result.spec = spec;
  result.spec.seeds = n;
  result.records.resize(static_cast<std::size_t>(n));
  result.threads = threads;

  int finished = 0;
  detail::parallel_for(
      n, threads,
      [&](int i) {
        result.records[static_cast<std::size_t>(i)] = run_seed(spec, spec.seed + static_cast<std::uint64_t>(i), options.cache);
      },
      [&](int i) {
        ++finished;
        if (options.progress) options.progress(finished, n, result.records[static_cast<std::size_t>(i)]);
      });
  result.summary = summarize(result.records);
  result.wall_s = seconds_since(start);
  return result;
}

}  // namespace ptlab::experiment
