#include "ptlab/advise/deep_bench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>
#include <toml++/toml.h>

#include "ptlab/advise/detail/toml_reader.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/toml_text.hpp"

namespace ptlab::advise {
namespace {

namespace fs = std::filesystem;
using detail::Reader;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

toml::table parse(const std::string& path) {
  const std::string text = core::read_text_file(path, "benchmark config", "a TOML file", 1 << 20);
  return experiment::parse_toml(text, path);
}

}  // namespace

std::string to_string(DeepSchedule schedule) { return schedule == DeepSchedule::compressed ? "compressed" : "prefix"; }

bool is_deep_bench(const std::string& path) {
  try {
    return parse(path).get("pair") != nullptr;
  } catch (const core::InputError&) {
    return false;
  }
}

DeepBenchConfig load_deep_bench(const std::string& path) {
  const toml::table root = parse(path);
  for (const auto& [key, value] : root)
    if (key.str() != "bench" && key.str() != "probe" && key.str() != "pair")
      throw core::InputError(fmt::format("{}: unknown table '{}' (expected [bench], [probe] and [[pair]])", path, key.str()));
  DeepBenchConfig c;
  std::string base;
  {
    Reader r(root, "bench", path);
    r.integer("seeds", c.seeds, 2, 1000);
    r.text("base", base);
    r.text("part", c.part);
  }
  if (c.part != "development" && c.part != "held-out")
    throw core::InputError(fmt::format("{}: bench.part: \"{}\"; expected \"development\" or \"held-out\"", path, c.part));
  if (base.empty()) throw core::InputError(fmt::format("{}: bench.base: expected the path of a deep config", path));
  const std::string base_path = (fs::path(path).parent_path() / base).string();
  DeepAdviseOptions& a = c.advise;
  {
    Reader r(root, "probe", path);
    r.integer("folds", a.curve.folds, 2, 1000);
    r.number("budget", a.curve.budget, 1e-9, 1.0);
    r.number("max_cost", a.curve.max_cost, 1e-9, 1e6);
    r.integer("points", a.curve.points, 3, 1000);
    r.numbers("alphas", a.alphas, 0.0, 1.0, true);
    r.number("activation_alpha", a.activation_alpha, 0.0, 1.0);
    r.number("tau", a.tau, 1e-9, 1.0);
    r.integer("blocks", a.blocks, -1, 1000);
    r.number("l2sp", a.l2sp, 0.0, 1e6);
    r.number("shrink", a.shrink, 0.0, 1.0);
    r.number("perturb", a.perturb, 0.0, 100.0);
    r.number("level", a.rule.level, 0.5, 0.999999);
    r.number("margin", a.rule.margin, -1e6, 1e6);
    std::vector<std::string> schedules;
    r.strings("schedules", schedules);
    if (r.given("schedules")) {
      if (schedules.empty())
        throw core::InputError(fmt::format("{}: probe.schedules: expected a non-empty array of \"compressed\" and "
                                           "\"prefix\"", path));
      c.schedules.clear();
      for (const auto& name : schedules) {
        if (name != "compressed" && name != "prefix")
          throw core::InputError(fmt::format("{}: probe.schedules: \"{}\"; expected \"compressed\" or \"prefix\"", path, name));
        const DeepSchedule schedule = name == "compressed" ? DeepSchedule::compressed : DeepSchedule::prefix;
        if (std::find(c.schedules.begin(), c.schedules.end(), schedule) != c.schedules.end())
          throw core::InputError(fmt::format("{}: probe.schedules: \"{}\" twice; expected each at most once", path, name));
        c.schedules.push_back(schedule);
      }
    }
    a.schedule = c.schedules.front();
  }
  a.curve.seeds = c.seeds;
  const auto* pairs = root.get("pair") != nullptr ? root.get("pair")->as_array() : nullptr;
  if (pairs == nullptr || pairs->empty())
    throw core::InputError(fmt::format("{}: pair: expected an array of tables [[pair]] (name, kind, alpha, set)", path));
  std::set<std::string> names;
  for (std::size_t i = 0; i < pairs->size(); ++i) {
    const toml::table* t = (*pairs)[i].as_table();
    const std::string where = fmt::format("pair {}", i + 1);
    if (t == nullptr) throw core::InputError(fmt::format("{}: {}: expected a table [[pair]]", path, where));
    DeepBenchPair p;
    std::vector<std::string> sets;
    {
      Reader r(t, where, path);
      r.text("name", p.name);
      r.text("kind", p.kind);
      r.number("alpha", p.alpha, 0.0, 1.0);
      r.strings("set", sets);
    }
    if (p.name.empty() || !names.insert(p.name).second)
      throw core::InputError(fmt::format("{}: {}: name: expected a unique, non-empty name", path, where));
    bool on_grid = false;
    for (const double x : a.alphas) on_grid = on_grid || x == p.alpha;
    if (!on_grid)
      throw core::InputError(fmt::format("{}: {} ({}): alpha = {}; expected one of the probe's alphas", path, where,
                                         p.name, p.alpha));
    sets.push_back(fmt::format("run.seeds={}", c.seeds));
    try {
      p.spec = experiment::load_deep_config(base_path, sets);
    } catch (const core::InputError& e) {
      throw core::InputError(fmt::format("{}: {} ({}): {}", path, where, p.name, e.what()));
    }
    c.pairs.push_back(std::move(p));
  }
  return c;
}

std::vector<std::vector<PairOutcome>> run_deep_bench(const DeepBenchConfig& config, int last, const std::string& checkpoints,
                                                     const std::function<void(int, int)>& progress,
                                                     const std::function<void(const std::string&)>& message) {
  PTLAB_ASSERT(!checkpoints.empty() && !config.schedules.empty());
  const int n = std::min(last, static_cast<int>(config.pairs.size()));
  std::vector<std::vector<PairOutcome>> out(config.schedules.size());
  for (int i = 0; i < n; ++i) {
    const DeepBenchPair& pair = config.pairs[static_cast<std::size_t>(i)];
    std::vector<PairOutcome> per(config.schedules.size());
    std::vector<DeepAdviceResult> advice;
    for (std::size_t k = 0; k < config.schedules.size(); ++k) {
      PairOutcome& o = per[k];
      o.pair.index = i;
      o.pair.dev = config.part == "development";
      o.pair.name = pair.name;
      DeepAdviseOptions options = config.advise;
      options.checkpoints = checkpoints;
      options.schedule = config.schedules[k];
      const auto t0 = Clock::now();
      advice.push_back(advise_deep(pair.spec, options));
      o.probe_s = seconds_since(t0);
      o.probe = advice.back().probe;
      o.cost = o.probe.probe_cost / o.probe.full_run_cost;
      o.pair_strategy = -1;
      for (std::size_t s = 0; s < o.probe.estimates.size(); ++s)
        if (o.pair_strategy < 0 && is_plain_alpha(o.probe.estimates[s].strategy, pair.alpha))
          o.pair_strategy = static_cast<int>(s);
      PTLAB_ASSERT(o.pair_strategy > 0);
    }
    // Scores: the penultimate features of upstream, fresh and norm-matched nets.
    const auto scores = deep_feature_scores(pair.spec, config.seeds, checkpoints);
    const auto t1 = Clock::now();
    const Validation v = validate_deep(pair.spec, advice.front());
    const double truth_s = seconds_since(t1);
    for (PairOutcome& o : per) {
      for (const auto& s : scores) {
        o.score_names.push_back(s.name);
        o.score_minus_fresh.push_back(s.minus_fresh.mean);
        o.score_minus_norm_matched.push_back(s.minus_norm_matched.mean);
      }
      o.truth = v.true_gain;
      o.truth_s = truth_s;
    }
    if (message) {
      const PairOutcome& o = per.front();
      const auto name = [&](int s) { return o.probe.estimates[static_cast<std::size_t>(s)].strategy.name; };
      const auto& at = o.truth[static_cast<std::size_t>(o.pair_strategy)];
      message(fmt::format("pair {} ({}): advice {} (confidence {}), true gain at alpha={:g}: {:+.2f} [{:+.2f}, {:+.2f}]; "
                          "best in hindsight {} ({:+.2f}); probe {:.0f} s, truth {:.0f} s",
                          i + 1, pair.name, name(advice.front().advice.best), advice.front().advice.confidence, pair.alpha,
                          at.mean, at.ci_low, at.ci_high, name(v.best_in_hindsight),
                          v.true_gain[static_cast<std::size_t>(v.best_in_hindsight)].mean, o.probe_s, truth_s));
    }
    for (std::size_t k = 0; k < per.size(); ++k) out[k].push_back(std::move(per[k]));
    if (progress) progress(i + 1, n);
  }
  return out;
}

}  // namespace ptlab::advise
