#pragma once
// Sweeps: a grid of experiments over config keys, each point run over several seeds.
//
// A sweep config is an experiment config plus a [sweep] table:
//   [sweep]
//   seeds = 10                       # seeds per grid point (default: run.seeds)
//   [[sweep.axis]]
//   key = "transfer.alpha"
//   values = [0.0, 0.25, 0.5, 1.0]   # a list ...
//   [[sweep.axis]]
//   key = "upstream.n"
//   logspace = [1.5, 3.0, 7]         # ... or 10^a .. 10^b in k points (linspace = [a, b, k]: a .. b)
// The grid is the Cartesian product of the axes, first axis slowest. Values of integer keys are
// rounded to the nearest integer (duplicates removed); every value is validated like `--set`.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ptlab/experiment/run.hpp"
#include "ptlab/experiment/runner.hpp"
#include "ptlab/experiment/spec.hpp"

namespace ptlab::experiment {

struct Axis {
  std::string key;                  ///< config key, e.g. "transfer.alpha"
  std::vector<std::string> values;  ///< TOML literals, e.g. "0.25", "200", "\"entry\""
};

struct SweepSpec {
  ExperimentSpec base;     ///< the config with every key but the axes
  std::vector<Axis> axes;  ///< at least one
  int seeds = 10;          ///< seeds per point: base.seed .. base.seed + seeds − 1
};

/// One grid point: the resolved spec and the axis values that made it (both halves).
template <class Spec>
struct GridPointOf {
  Spec spec;
  std::vector<std::string> values;  ///< one TOML literal per axis, in axis order
};
using GridPoint = GridPointOf<ExperimentSpec>;

/// Reads a sweep config; `overrides` apply to the base config (not to the axes). Throws
/// core::InputError for anything parse_config rejects, a missing or empty [sweep] axis list, an
/// axis with an unknown key, no or several value forms, an empty or malformed range
/// (linspace/logspace need [start, stop, count ≥ 1]), a repeated key, or a value its key rejects.
SweepSpec load_sweep(const std::string& path, const std::vector<std::string>& overrides = {});
SweepSpec parse_sweep(const std::string& text, const std::string& source_name,
                      const std::vector<std::string>& overrides = {});

/// The Cartesian product of `axes` over `base`, first axis slowest; `apply(spec, key, literal)`
/// returns the spec with one axis value set. Every point gets `seeds`. The one grid builder of
/// both halves (grid() and deep_grid() are this with their spec's override).
template <class Spec, class Apply>
std::vector<GridPointOf<Spec>> grid_of(const Spec& base, const std::vector<Axis>& axes, int seeds, const Apply& apply) {
  std::vector<GridPointOf<Spec>> points{GridPointOf<Spec>{base, {}}};
  for (const Axis& axis : axes) {
    std::vector<GridPointOf<Spec>> next;
    for (const auto& p : points)
      for (const auto& v : axis.values) {
        GridPointOf<Spec> q{apply(p.spec, axis.key, v), p.values};
        q.values.push_back(v);
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  for (auto& p : points) p.spec.seeds = seeds;
  return points;
}

/// The grid, first axis slowest. Each point's spec has the axis values applied.
std::vector<GridPoint> grid(const SweepSpec& sweep);

/// What identifies the study a sweep belongs to: more seeds or axis values extend a study;
/// another base config or other axes make another study.
struct StudyKey {
  enum class Kind { theory, deep };
  Kind kind = Kind::theory;
  std::string id;                 ///< "HASH axes: KEY…" (deep: "deep:HASH axes: KEY…")
  std::vector<std::string> axes;  ///< axis keys as stored (deep: plus the setting key)
};

/// The study key of a theory sweep: run_hash of the base config and the axis keys.
StudyKey study_key(const SweepSpec& sweep);

/// How to run a sweep (not what).
struct SweepRunOptions {
  Launch launch = Launch::threads;
  int threads = 0;  ///< threads runner: 0 = all hardware threads
  Shard shard;
  RunCodec codec;   ///< for Launch::mpi (store::run_codec())
  std::function<void(int, int)> progress;  ///< (runs put, runs planned)
};

/// Runs every (point, seed) of the sweep not yet in the sink, into the sink. Each record is
/// identical to run_seed(point.spec, seed) run alone; a run that throws is put as failed and
/// does not stop the sweep. Throws core::InputError before the sink is opened if one run would
/// not fit in memory, and before any run if one run per thread would not.
ExecResult run_sweep(const SweepSpec& sweep, const OpenSink& open_sink, const SweepRunOptions& options);

}  // namespace ptlab::experiment
