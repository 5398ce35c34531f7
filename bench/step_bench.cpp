// Micro-benchmarks of the GD step kernels (Google Benchmark, Debian libbenchmark-dev).
//   ptlab_step_bench                          all
//   ptlab_step_bench --benchmark_filter=Span  one family
// Counters: FLOP/s of the step's multiply-adds (2 flops each), so the kernels can be read against
// BM_GemmPeak, this machine's Eigen GEMM rate on one core.
#include <benchmark/benchmark.h>

#include "ptlab/core/rng.hpp"
#include "ptlab/data/task.hpp"
#include "ptlab/model/cnn.hpp"
#include "ptlab/train/detail/backend.hpp"

using namespace ptlab;

namespace {

struct Problem {
  data::Dataset train, test;
  model::ModelOptions model;
  model::Weights W0;
};

Problem problem(int d, int n, int m) {
  const data::FrameOptions f{.d = d, .n_test = 1000};
  const data::TaskOptions t{.n = n};
  const auto s = data::make_signals(f, t, 1);
  core::Rng rng(1);
  Problem p{data::sample(f, t, s, n, rng), data::sample(f, t, s, f.n_test, rng), model::ModelOptions{.m = m}, {}};
  p.W0 = model::init_weights(p.model, d, rng);
  return p;
}

// One GD step: pre-activations, loss and coefficients, update.
void step(train::detail::Engine& engine, model::Evaluator& ev) {
  engine.preactivations(ev.preactivations_buffer());
  benchmark::DoNotOptimize(ev.loss_from_preactivations(true));
  engine.step(ev.coefficients(), 1e-3, 0.0, 0.0);
}

void BM_DenseStep(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0)), n = static_cast<int>(state.range(1)), m = static_cast<int>(state.range(2));
  const Problem p = problem(d, n, m);
  auto engine = train::detail::make_dense(p.W0, {}, {}, p.train, p.test);
  model::Evaluator ev(p.model, p.train);
  for (auto _ : state) step(*engine, ev);
  // A = W·X and C·Xᵀ: 2 · 2m·d·nP multiply-adds.
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * 2 * 2.0 * m * d * n * 2, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_SpanStep(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0)), n = static_cast<int>(state.range(1)), m = static_cast<int>(state.range(2));
  const Problem p = problem(d, n, m);
  auto engine = train::detail::make_span(p.W0, {}, {}, p.train, p.test);
  model::Evaluator ev(p.model, p.train);
  for (auto _ : state) step(*engine, ev);
  const double K = n + 1.0;  // shared layout: one signal direction + n noise patches
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * 2 * m * K * K, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_SpanSetup(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0)), n = static_cast<int>(state.range(1)), m = static_cast<int>(state.range(2));
  const Problem p = problem(d, n, m);
  for (auto _ : state) benchmark::DoNotOptimize(train::detail::make_span(p.W0, {}, {}, p.train, p.test));
}

void BM_Sample(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0)), n = static_cast<int>(state.range(1));
  const data::FrameOptions f{.d = d};
  const data::TaskOptions t{.n = n};
  const auto s = data::make_signals(f, t, 1);
  core::Rng rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(data::sample(f, t, s, n, rng));
  state.counters["normals/s"] = benchmark::Counter(double(d) * n, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_GemmPeak(benchmark::State& state) {
  const auto N = state.range(0);
  const Eigen::MatrixXd A = Eigen::MatrixXd::Random(N, N), B = Eigen::MatrixXd::Random(N, N);
  Eigen::MatrixXd C(N, N);
  for (auto _ : state) {
    C.noalias() = A * B;
    benchmark::DoNotOptimize(C.data());
  }
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * N * N * N, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

// (d, n, m): the paper config's upstream (2000, 200, 20) and downstream (2000, 20, 20), and larger n.
BENCHMARK(BM_DenseStep)->Args({2000, 200, 20})->Args({2000, 20, 20})->Args({2000, 800, 20})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SpanStep)->Args({2000, 200, 20})->Args({2000, 20, 20})->Args({2000, 800, 20})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SpanSetup)->Args({2000, 200, 20})->Args({2000, 20, 20})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sample)->Args({2000, 1000})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GemmPeak)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
