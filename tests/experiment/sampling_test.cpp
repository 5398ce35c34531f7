// Reduced against direct sampling on whole runs (experiment/sampling.hpp): the two samplers draw
// different experiments of the same law, so the distributions over seeds of every recorded result
// must agree. Two-sample Kolmogorov–Smirnov tests at a stated false-alarm rate.
#include "ptlab/experiment/sampling.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/run.hpp"
#include "ptlab/experiment/sweep.hpp"

using namespace ptlab;
using experiment::ExperimentSpec;
using experiment::SeedRecord;

namespace {

// sup |F_a − F_b| of the empirical distribution functions (ties handled by stepping past them).
double ks_statistic(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double worst = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    worst = std::max(worst, std::abs(double(i) / a.size() - double(j) / b.size()));
  }
  return worst;
}

// The asymptotic critical value of the two-sample KS test at level 10⁻³: c = sqrt(−ln(α/2)/2)
// = 1.949, times sqrt((n + m)/(n·m)). With discrete values (test errors on a finite test set)
// the test is conservative, so the false-alarm rate is at most 10⁻³ per metric.
double ks_critical(std::size_t n, std::size_t m) {
  return std::sqrt(-std::log(1e-3 / 2) / 2) * std::sqrt(double(n + m) / double(n * m));
}

ExperimentSpec small_spec() {
  ExperimentSpec s;
  s.frame.d = 300;
  s.frame.n_test = 200;
  s.model.m = 5;
  s.upstream.n = 30;
  s.downstream.n = 10;
  s.upstream_train.steps = s.downstream_train.steps = 150;
  s.curve_every = 150;
  s.dynamics.every = 150;
  s.upstream.p = 0.1;  // label noise, and a θ that is not 90°, so both are exercised
  s.frame.theta = 60;
  return s;
}

std::vector<SeedRecord> records(ExperimentSpec s, data::Sampling sampling, int seeds, std::uint64_t first) {
  s.frame.sampling = sampling;
  std::vector<SeedRecord> out;
  for (int i = 0; i < seeds; ++i) out.push_back(experiment::run_seed(s, first + static_cast<std::uint64_t>(i)));
  return out;
}

double final_summary(const dynamics::PhaseDynamics& d, const std::string& quantity) {
  for (auto it = d.summary.rbegin(); it != d.summary.rend(); ++it)
    if (it->quantity == quantity && it->group == dynamics::Group::all) return it->mean;
  return std::nan("");
}

using Metric = std::pair<std::string, std::function<double(const SeedRecord&)>>;
const std::vector<Metric>& metrics() {
  static const std::vector<Metric> m = {
      {"upstream.test_error", [](const SeedRecord& r) { return r.upstream.test_error; }},
      {"transfer.test_error", [](const SeedRecord& r) { return r.transfer.test_error; }},
      {"scratch.test_error", [](const SeedRecord& r) { return r.scratch.test_error; }},
      {"ntg", [](const SeedRecord& r) { return r.ntg; }},
      {"scratch.train_loss", [](const SeedRecord& r) { return r.scratch.train_loss; }},
      {"upstream rho_bar mean", [](const SeedRecord& r) { return final_summary(r.upstream_dynamics, "rho_bar"); }},
      {"scratch gamma mean", [](const SeedRecord& r) { return final_summary(r.scratch_dynamics, "gamma"); }},
  };
  return m;
}

std::vector<double> column(const std::vector<SeedRecord>& rs, const Metric& m) {
  std::vector<double> v;
  for (const auto& r : rs) v.push_back(m.second(r));
  return v;
}

}  // namespace

// 7 metrics at 10⁻³ each: a false alarm in this test has probability below 0.7%.
TEST(Sampling, WholeRunDistributionsAgreeWithDirect) {
  const int seeds = 250;
  const auto direct = records(small_spec(), data::Sampling::direct, seeds, 0);
  const auto reduced = records(small_spec(), data::Sampling::reduced, seeds, 1000);
  for (const Metric& m : metrics()) {
    const auto a = column(direct, m), b = column(reduced, m);
    ASSERT_TRUE(std::all_of(a.begin(), a.end(), [](double x) { return std::isfinite(x); })) << m.first;
    ASSERT_TRUE(std::all_of(b.begin(), b.end(), [](double x) { return std::isfinite(x); })) << m.first;
    EXPECT_LT(ks_statistic(a, b), ks_critical(a.size(), b.size())) << m.first;
  }
}

// The same test tells a different experiment apart: reduced at d = 450 against direct at 300.
TEST(Sampling, WholeRunTestHasPowerAgainstAnotherDimension) {
  const int seeds = 250;
  ExperimentSpec other = small_spec();
  other.frame.d = 450;
  const auto direct = records(small_spec(), data::Sampling::direct, seeds, 0);
  const auto reduced = records(other, data::Sampling::reduced, seeds, 1000);
  const Metric& scratch_error = metrics()[2];
  EXPECT_GT(ks_statistic(column(direct, scratch_error), column(reduced, scratch_error)), ks_critical(seeds, seeds));
}

TEST(Sampling, ReducedRunsAtAnyDimensionInTheSameCoordinates) {
  ExperimentSpec s = small_spec();
  s.frame.sampling = data::Sampling::reduced;
  s.frame.d = 1'000'000'000;  // 10⁹: the vectors have 3 + N₀ = 3 + 4·5 + 30 + 10 coordinates
  const auto out = experiment::run_seed_detailed(s, 0);
  EXPECT_EQ(out.transfer_W.cols(), 63);
  EXPECT_EQ(out.upstream_W.cols(), 63);
  EXPECT_TRUE(std::isfinite(out.record.ntg));
  const auto bases = experiment::seed_bases(s);
  EXPECT_EQ(bases.up_width, 3 + 10 + 30);
}

TEST(Sampling, AutoPicksReducedOnlyWhereValidAndNarrower) {
  ExperimentSpec s = small_spec();  // N₀ = 60
  s.frame.sampling = data::Sampling::automatic;
  EXPECT_EQ(experiment::resolve_sampling(s), data::Sampling::reduced);
  s.frame.d = 63;  // valid (D = N₀) but not narrower
  EXPECT_EQ(experiment::resolve_sampling(s), data::Sampling::direct);
  s.frame.d = 300;
  s.transfer.rule = transfer::Rule::entry;
  EXPECT_EQ(experiment::resolve_sampling(s), data::Sampling::direct);
  s.frame.sampling = data::Sampling::reduced;
  EXPECT_THROW(experiment::resolve_sampling(s), core::InputError);
}

TEST(Sampling, ScratchOnlyRunsNeedFewerDirections) {
  ExperimentSpec s = small_spec();
  s.phases = experiment::Phases::scratch;
  s.frame.sampling = data::Sampling::reduced;
  s.frame.d = 3 + 20;  // 2m + n2 = 20 ≤ D, though 4m + n1 + n2 = 60 is not
  EXPECT_EQ(experiment::reduced_invalid_reason(s, true), "");
  const SeedRecord r = experiment::run_seed(s, 0);
  EXPECT_TRUE(std::isfinite(r.scratch.test_error));
  EXPECT_TRUE(std::isnan(r.ntg));
  EXPECT_TRUE(std::isnan(r.upstream.test_error));
  EXPECT_EQ(r.upstream.steps, 0);
}

TEST(Sampling, ConfigRefusesReducedWhereItIsNotExact) {
  const auto message = [](const std::vector<std::string>& sets) {
    try {
      experiment::parse_config("", "x.toml", sets);
    } catch (const core::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string small = message({"data.sampling=reduced", "data.d=100"});
  EXPECT_NE(small.find("x.toml: data.sampling = \"reduced\" is not exact here: it needs d − 3 ≥ 4m + n1 + n2 = 300"),
            std::string::npos)
      << small;
  EXPECT_NE(small.find("expected data.sampling = \"direct\""), std::string::npos);
  EXPECT_NE(message({"data.sampling=reduced", "transfer.rule=entry"}).find("transfer.rule = \"entry\""), std::string::npos);
  EXPECT_EQ(message({"data.sampling=reduced", "data.d=1000000"}), "");
  // The default leaves the hash of every earlier config unchanged; another value enters it.
  const ExperimentSpec plain = experiment::parse_config("", "x.toml");
  EXPECT_EQ(experiment::config_hash(plain), experiment::config_hash(experiment::parse_config("", "x.toml", {"data.sampling=direct"})));
  EXPECT_NE(experiment::config_hash(plain), experiment::config_hash(experiment::parse_config("", "x.toml", {"data.sampling=auto"})));
}

// The literature presets load as sweeps of the size they state, and every point runs reduced.
TEST(Sampling, KouHeatmapPresetsAreReducedAtEveryPoint) {
  for (const char* name : {"kou2023_heatmap.toml", "kou2023_heatmap_large_d.toml"}) {
    const auto sweep = experiment::load_sweep(std::string(PTLAB_SOURCE_DIR) + "/configs/literature/" + name);
    const auto points = experiment::grid(sweep);
    EXPECT_EQ(points.size(), 10000u) << name;
    EXPECT_EQ(sweep.seeds, 10);
    for (const auto& p : points) {
      ASSERT_TRUE(p.spec.scratch_only());
      ASSERT_TRUE(p.spec.model.bias);  // their Conv1d's bias
      ASSERT_EQ(experiment::resolve_sampling(p.spec, true), data::Sampling::reduced) << name << " d = " << p.spec.frame.d;
    }
  }
}
