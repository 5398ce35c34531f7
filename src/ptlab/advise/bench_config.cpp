#include "ptlab/advise/bench_config.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/experiment/toml_text.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/advise/detail/toml_reader.hpp"

namespace ptlab::advise {
namespace {

using detail::Reader;

double uniform(core::Rng& rng, const Range& r) { return r.lo + (r.hi - r.lo) * rng.uniform(); }
double log_uniform(core::Rng& rng, const Range& r) {
  return std::exp(std::log(r.lo) + (std::log(r.hi) - std::log(r.lo)) * rng.uniform());
}

}  // namespace

BenchConfig parse_bench_config(const std::string& text, const std::string& source) {
  toml::table root;
  root = experiment::parse_toml(text, source);
  for (const auto& [key, value] : root)
    if (key.str() != "bench" && key.str() != "probe" && key.str() != "prior")
      throw core::InputError(fmt::format("{}: unknown table '{}' (expected [bench], [probe] and [prior])", source,
                                         key.str()));
  BenchConfig c;
  {
    Reader r(root, "bench", source);
    r.integer("pairs", c.pairs, 1, 100000);
    r.integer("dev", c.dev, 0, 100000);
    r.integer("seed", c.seed, 0, std::numeric_limits<std::int64_t>::max());
    r.integer("seeds", c.seeds, 2, 1000);
    r.strings("fixed", c.fixed);
  }
  if (c.dev > c.pairs)
    throw core::InputError(fmt::format("{}: bench.dev = {} exceeds bench.pairs = {}", source, c.dev, c.pairs));
  AdviseOptions& a = c.advise;
  {
    Reader r(root, "probe", source);
    r.integer("folds", a.curve.folds, 2, 1000);
    r.number("budget", a.curve.budget, 1e-9, 1.0);
    r.number("max_cost", a.curve.max_cost, 1e-9, 1e6);
    r.numbers("alphas", a.alphas, 0.0, 1.0, true);
    r.number("tau", a.tau, 1e-9, 1.0);
    r.number("shrink", a.extra.shrink, 0.0, 1.0);
    r.number("perturb", a.extra.perturb, 0.0, 1e6);
    r.number("l2sp", a.extra.l2sp, 0.0, 1e6);
    r.numbers("levels", c.levels, 0.5, 0.999999, false);
    r.numbers("margins", c.margins, -100.0, 100.0, false);
    r.number("min_avoidance", c.min_avoidance, 0.0, 1.0);
  }
  a.curve.seeds = c.seeds;
  BenchPrior& p = c.prior;
  {
    Reader r(root, "prior", source);
    r.range("norm_u", p.norm_u, 0.0, 1e3);
    r.range("norm_v", p.norm_v, 0.0, 1e3);
    r.range("theta", p.theta, 0.0, 180.0);
    r.range("n1", p.n1, 1.0, 1e5);
    r.range("n2", p.n2, 2.0, 1e5);
    r.range("sigma_p", p.sigma_p, 1e-6, 1e3);
    r.range("p1", p.p1, 0.0, 0.49);
    r.number("p1_zero", p.p1_zero, 0.0, 1.0);
    r.range("d", p.d, 3.0, 1e7);
    r.range("upstream_steps", p.upstream_steps, 1.0, 1e6);
    r.number("separate", p.separate, 0.0, 1.0);
    r.numbers("alpha", p.alpha, 0.0, 1.0, true);
  }
  if (p.n2.lo < 2.0 * a.curve.folds)
    throw core::InputError(fmt::format("{}: prior.n2 starts at {}, too few to split into probe.folds = {} folds; expected "
                                       "n2 ≥ {} (2 samples per fold)", source, p.n2.lo, a.curve.folds, 2 * a.curve.folds));
  for (const double x : p.alpha)
    if (std::find(a.alphas.begin(), a.alphas.end(), x) == a.alphas.end())
      throw core::InputError(fmt::format("{}: prior.alpha holds {}, which is not on probe.alphas: the pair's α "
                                         "must be one of the candidates", source, x));
  // The fixed keys are checked now, so a typo fails before hours of work.
  experiment::ExperimentSpec check;
  for (const std::string& f : c.fixed) {
    try {
      experiment::apply_override(check, f);
    } catch (const core::InputError& e) {
      throw core::InputError(fmt::format("{}: bench.fixed \"{}\": {}", source, f, e.what()));
    }
  }
  return c;
}

BenchConfig load_bench_config(const std::string& path) {
  return parse_bench_config(core::read_text_file(path, "benchmark config", "a TOML benchmark config", 16u << 20), path);
}

BenchPair draw_pair(const BenchConfig& c, int index) {
  BenchPair pair;
  pair.index = index;
  pair.dev = index < c.dev;
  experiment::ExperimentSpec& s = pair.spec;
  for (const std::string& f : c.fixed) experiment::apply_override(s, f);
  core::Rng rng = core::Rng::stream(core::splitmix64(c.seed) + static_cast<std::uint64_t>(index),
                                    core::Stream::bench_prior);
  const BenchPrior& p = c.prior;
  // A fixed order of draws: adding a prior field at the end never changes earlier pairs' draws.
  s.frame.layout = rng.uniform() < p.separate ? data::Layout::separate : data::Layout::shared;
  s.frame.norm_u = uniform(rng, p.norm_u);
  s.upstream.norm_v = uniform(rng, p.norm_v);
  s.downstream.norm_v = uniform(rng, p.norm_v);
  s.frame.theta = uniform(rng, p.theta);
  s.upstream.n = static_cast<int>(std::lround(log_uniform(rng, p.n1)));
  s.downstream.n = static_cast<int>(std::lround(log_uniform(rng, p.n2)));
  s.upstream.sigma_p = log_uniform(rng, p.sigma_p);
  s.downstream.sigma_p = log_uniform(rng, p.sigma_p);
  const double zero = rng.uniform(), p1 = uniform(rng, p.p1);
  s.upstream.p = zero < p.p1_zero ? 0.0 : p1;
  s.frame.d = static_cast<int>(std::lround(log_uniform(rng, p.d)));
  s.upstream_train.steps = static_cast<int>(std::lround(log_uniform(rng, p.upstream_steps)));
  s.transfer.rule = transfer::Rule::filter;
  s.transfer.alpha = p.alpha[rng.below(p.alpha.size())];
  s.seed = 0;
  s.seeds = c.seeds;
  return pair;
}

}  // namespace ptlab::advise
