#pragma once
// The parts of a sweep both halves share, free of either half's spec (and so of Eigen and
// LibTorch): an axis, a grid point, the one grid builder and the key of a study.
#include <string>
#include <vector>

namespace ptlab::experiment {

struct Axis {
  std::string key;                  ///< config key, e.g. "transfer.alpha"
  std::vector<std::string> values;  ///< TOML literals, e.g. "0.25", "200", "\"entry\""
};

/// One grid point: the resolved spec and the axis values that made it (both halves).
template <class Spec>
struct GridPointOf {
  Spec spec;
  std::vector<std::string> values;  ///< one TOML literal per axis, in axis order
};
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

/// What identifies the study a sweep belongs to: more seeds or axis values extend a study;
/// another base config or other axes make another study.
struct StudyKey {
  enum class Kind { theory, deep };
  Kind kind = Kind::theory;
  std::string id;                 ///< "HASH axes: KEY…" (deep: "deep:HASH axes: KEY…")
  std::vector<std::string> axes;  ///< axis keys as stored (deep: plus the setting key)
  std::string inputs;             ///< deep: deep_inputs_fingerprint of the base config ("" if no user files)
};

}  // namespace ptlab::experiment
