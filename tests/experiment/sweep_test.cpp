#include "ptlab/experiment/sweep.hpp"

#include <gtest/gtest.h>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"

using namespace ptlab;
using experiment::parse_sweep;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_sweep(text, "s.toml");
  } catch (const core::InputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    return msg;
  }
  ADD_FAILURE() << "no error for: " << text;
  return "";
}

}  // namespace

TEST(Sweep, AxesFromListsLinspaceAndLogspace) {
  const auto s = parse_sweep(R"(
[model]
m = 7
[sweep]
seeds = 3
[[sweep.axis]]
key = "transfer.alpha"
linspace = [0, 1, 5]
[[sweep.axis]]
key = "upstream.n"
logspace = [1, 3, 3]
[[sweep.axis]]
key = "transfer.rule"
values = ["filter", "entry"]
)",
                             "s.toml");
  EXPECT_EQ(s.seeds, 3);
  EXPECT_EQ(s.base.model.m, 7);
  ASSERT_EQ(s.axes.size(), 3u);
  EXPECT_EQ(s.axes[0].values, (std::vector<std::string>{"0", "0.25", "0.5", "0.75", "1"}));
  EXPECT_EQ(s.axes[1].values, (std::vector<std::string>{"10", "100", "1000"}));
  EXPECT_EQ(s.axes[2].values, (std::vector<std::string>{"\"filter\"", "\"entry\""}));
  const auto points = experiment::grid(s);
  ASSERT_EQ(points.size(), 5u * 3u * 2u);
  // First axis slowest, last fastest.
  EXPECT_EQ(points[0].spec.transfer.alpha, 0.0);
  EXPECT_EQ(points[0].spec.upstream.n, 10);
  EXPECT_EQ(points[0].spec.transfer.rule, transfer::Rule::filter);
  EXPECT_EQ(points[1].spec.transfer.rule, transfer::Rule::entry);
  EXPECT_EQ(points[2].spec.upstream.n, 100);
  EXPECT_EQ(points[6].spec.transfer.alpha, 0.25);
  EXPECT_EQ(points.back().spec.transfer.alpha, 1.0);
  EXPECT_EQ(points.back().spec.upstream.n, 1000);
  for (const auto& p : points) {
    EXPECT_EQ(p.spec.model.m, 7);
    EXPECT_EQ(p.spec.seeds, 3);
  }
}

TEST(Sweep, IntegerAxesAreRoundedAndDeduplicated) {
  const auto s = parse_sweep("[sweep]\n[[sweep.axis]]\nkey = \"downstream.n\"\nlinspace = [10, 12, 5]\n", "s");
  EXPECT_EQ(s.axes[0].values, (std::vector<std::string>{"10", "11", "12"}));  // 10, 10.5, 11, 11.5, 12
}

TEST(Sweep, SeedsDefaultToTheBaseConfig) {
  EXPECT_EQ(parse_sweep("[run]\nseeds = 4\n[sweep]\n[[sweep.axis]]\nkey = \"data.d\"\nvalues = [10]\n", "s").seeds, 4);
}

TEST(Sweep, BadSweepsAreOneLineErrors) {
  EXPECT_EQ(error_of("[data]\nd = 10\n"), "s.toml: no [sweep] table; expected [sweep] with [[sweep.axis]] entries");
  EXPECT_EQ(error_of("[sweep]\nseeds = 2\n"), "s.toml: [sweep] has no axis; expected at least one [[sweep.axis]]");
  EXPECT_NE(error_of("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpah\"\nvalues = [0.1]\n")
                .find("unknown key 'transfer.alpah' (did you mean 'transfer.alpha'?)"),
            std::string::npos);
  EXPECT_EQ(error_of("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nvalues = []\n"),
            "s.toml:2: sweep axis transfer.alpha is empty; expected at least one value");
  EXPECT_EQ(error_of("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nvalues = [0.1]\nlinspace = [0, 1, 3]\n"),
            "s.toml:2: [[sweep.axis]] transfer.alpha: expected exactly one of values, linspace, logspace");
  EXPECT_NE(error_of("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nlinspace = [0, 1]\n")
                .find("expected [start, stop, count] with count an integer ≥ 1"),
            std::string::npos);
  EXPECT_NE(error_of("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nlinspace = [0, 1, 0]\n").find("count an integer ≥ 1"),
            std::string::npos);
  EXPECT_EQ(error_of("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nvalues = [0.5, 2.0]\n"),
            "s.toml:2: sweep axis transfer.alpha = 2: expected a number in [0, 1]");
  EXPECT_EQ(error_of("[sweep]\n[[sweep.axis]]\nkey = \"data.d\"\nvalues = [10]\n[[sweep.axis]]\nkey = \"data.d\"\nvalues = [20]\n"),
            "s.toml:5: sweep axis data.d appears twice");
  EXPECT_EQ(error_of("[sweep]\nsteps = 3\n[[sweep.axis]]\nkey = \"data.d\"\nvalues = [10]\n"),
            "s.toml:2: unknown key 'sweep.steps'; expected sweep.seeds or [[sweep.axis]]");
  EXPECT_NE(error_of("[sweep]\n[[sweep.axis]]\nkey = \"transfer.rule\"\nlinspace = [0, 1, 2]\n").find("needs a numeric key"),
            std::string::npos);
}

TEST(Sweep, AnAbsurdGridIsRefusedFromItsAxesBeforeAnyPointIsBuilt) {
  // 1000 × 1000 × 1000 points: refused at parse time, naming the sizes and the limit.
  EXPECT_EQ(error_of("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nlinspace = [0, 1, 1000]\n"
                     "[[sweep.axis]]\nkey = \"data.norm_u\"\nlinspace = [1, 2, 1000]\n"
                     "[[sweep.axis]]\nkey = \"upstream.sigma_p\"\nlinspace = [1, 2, 1000]\n"),
            "s.toml: the sweep grid has 1000 × 1000 × 1000 = 1e+09 points; the limit is 200000 (use fewer axis values "
            "or several sweeps)");
  // The limit itself is fine: 400 × 500 = 200000 points parse (the grid is not built here).
  const auto at_limit = parse_sweep("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nlinspace = [0, 1, 400]\n"
                                    "[[sweep.axis]]\nkey = \"data.norm_u\"\nlinspace = [1, 2, 500]\n",
                                    "s.toml");
  EXPECT_EQ(at_limit.axes[0].values.size() * at_limit.axes[1].values.size(), 200000u);
}

TEST(Sweep, AxesThatWouldCollapseOrOverflowAreNamed) {
  EXPECT_EQ(error_of("[sweep]\n[[sweep.axis]]\nkey = \"run.seeds\"\nvalues = [1, 2]\n"),
            "s.toml:2: sweep axis run.seeds: the seeds are not an axis; expected sweep.seeds = N (and run.seed for the "
            "first seed)");
  EXPECT_NE(error_of("[sweep]\n[[sweep.axis]]\nkey = \"run.seed\"\nvalues = [0, 1]\n").find("the seeds are not an axis"),
            std::string::npos);
  // -0 is 0: one point, not two points with one run hash.
  const auto zeros = parse_sweep("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nvalues = [0.0, -0.0, 0.5]\n",
                                 "s.toml");
  EXPECT_EQ(zeros.axes[0].values, (std::vector<std::string>{"0", "0.5"}));
  EXPECT_EQ(error_of("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alpha\"\nlinspace = [0, 1, 1000000]\n"),
            "s.toml:2: transfer.alpha: linspace count = 1000000; expected at most 100000 values on one axis");
  EXPECT_EQ(error_of("[sweep]\n[[sweep.axis]]\nkey = \"data.d\"\nlogspace = [1, 400, 3]\n"),
            "s.toml:2: data.d: logspace = [1, 400, …]: 10^400 is not a finite number; expected exponents of at most 308");
}

TEST(Sweep, ARunConfigRejectsASweepTable) {
  try {
    experiment::parse_config("[sweep]\nseeds = 2\n", "s.toml");
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()), "s.toml:1: [sweep] describes a sweep; expected `ptlab sweep s.toml`");
  }
}

TEST(Sweep, RunHashIgnoresSeedCountAndFirstSeed) {
  experiment::ExperimentSpec a, b;
  b.seeds = 99;
  b.seed = 7;
  EXPECT_EQ(experiment::run_hash(a), experiment::run_hash(b));
  b.transfer.alpha = 0.3;
  EXPECT_NE(experiment::run_hash(a), experiment::run_hash(b));
}
