#include "ptlab/experiment/detail/axis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "ptlab/core/error.hpp"

namespace ptlab::experiment::detail {
namespace {

// [start, stop, count] of linspace/logspace.
std::vector<double> range_values(const toml::node& node, const std::string& where, bool log) {
  const auto* arr = node.as_array();
  const char* form = log ? "logspace" : "linspace";
  const auto fail = [&]() {
    throw core::InputError(fmt::format("{}: {} = {}: expected [start, stop, count] with count an integer ≥ 1", where,
                                       form, arr == nullptr ? literal(node) : "a malformed array"));
  };
  if (arr == nullptr || arr->size() != 3) fail();
  const auto number = [&](std::size_t i) {
    const toml::node& n = *arr->get(i);
    if (const auto* x = n.as_floating_point()) return x->get();
    if (const auto* x = n.as_integer()) return static_cast<double>(x->get());
    fail();
    return 0.0;
  };
  const double a = number(0), b = number(1);
  const auto* count = arr->get(2)->as_integer();
  if (count == nullptr || count->get() < 1 || !std::isfinite(a) || !std::isfinite(b)) fail();
  constexpr std::int64_t kMaxCount = 100000;
  if (count->get() > kMaxCount)
    throw core::InputError(fmt::format("{}: {} count = {}; expected at most {} values on one axis", where, form,
                                       count->get(), kMaxCount));
  // 10^x must be a finite double (10^400 would become inf, then an integer key's INT64_MIN).
  if (log && std::max(a, b) > 308)
    throw core::InputError(fmt::format("{}: logspace = [{}, {}, …]: 10^{} is not a finite number; expected exponents "
                                       "of at most 308", where, a, b, std::max(a, b)));
  const auto k = static_cast<int>(count->get());
  std::vector<double> out;
  for (int i = 0; i < k; ++i) {
    const double t = k == 1 ? 0.0 : static_cast<double>(i) / (k - 1);
    const double x = a + (b - a) * t;
    out.push_back(log ? std::pow(10.0, x) : x);
  }
  return out;
}

}  // namespace

std::string literal(const toml::node& node) {
  std::ostringstream out;
  if (const auto* s = node.as_string()) {
    out << '"';  // a TOML basic string: backslashes and quotes escaped
    for (const char c : s->get()) {
      if (c == '"' || c == '\\') out << '\\';
      out << c;
    }
    out << '"';
  } else if (const auto* f = node.as_floating_point()) {
    out << fmt::format("{}", f->get());
  } else {
    node.visit([&](const auto& v) { out << v; });
  }
  return out.str();
}

Axis parse_axis(const toml::table& t, const std::string& where, const std::function<KeyType(const std::string&)>& key_type) {
  const auto* key = t.get_as<std::string>("key");
  if (key == nullptr) throw core::InputError(fmt::format("{}: expected key = \"section.name\" in [[sweep.axis]]", where));
  Axis axis{key->get(), {}};
  const KeyType type = key_type(axis.key);
  // The seeds are the sweep's own dimension (sweep.seeds, run.seed is the first): as an axis
  // they are left out of the run hash, so their points would silently be one. (Deep sweeps refuse
  // every run.* key in their key_type.)
  if (axis.key == "run.seed" || axis.key == "run.seeds")
    throw core::InputError(fmt::format("{}: sweep axis {}: the seeds are not an axis; expected sweep.seeds = N (and "
                                       "run.seed for the first seed)", where, axis.key));
  int forms = 0;
  for (const auto& [name, node] : t) {
    const std::string n(name.str());
    if (n == "key") continue;
    if (n != "values" && n != "linspace" && n != "logspace")
      throw core::InputError(fmt::format("{}: [[sweep.axis]] {}: unknown field '{}'; expected values, linspace or logspace",
                                         where, axis.key, n));
    ++forms;
    if (n == "values") {
      const auto* arr = node.as_array();
      if (arr == nullptr) throw core::InputError(fmt::format("{}: {} values: expected an array", where, axis.key));
      for (const auto& v : *arr) axis.values.push_back(literal(v));
    } else {
      for (const double x : range_values(node, where + ": " + axis.key, n == "logspace")) {
        if (type == KeyType::integer) {
          axis.values.push_back(fmt::format("{}", std::llround(x)));
        } else if (type == KeyType::number) {
          axis.values.push_back(fmt::format("{:.6g}", x));  // 0.333333, not 0.3333333333333333
        } else {
          throw core::InputError(fmt::format("{}: {}: {} needs a numeric key", where, axis.key, n));
        }
      }
    }
  }
  if (forms != 1)
    throw core::InputError(fmt::format("{}: [[sweep.axis]] {}: expected exactly one of values, linspace, logspace", where,
                                       axis.key));
  // Rounding can repeat integer values, and -0 is 0; keep the first of each.
  std::vector<std::string> unique;
  for (std::string v : axis.values) {
    if (v == "-0" || v == "-0.0") v = v.substr(1);
    if (std::find(unique.begin(), unique.end(), v) == unique.end()) unique.push_back(v);
  }
  axis.values = unique;
  if (axis.values.empty()) throw core::InputError(fmt::format("{}: sweep axis {} is empty; expected at least one value", where, axis.key));
  return axis;
}


SweepTable parse_sweep_table(const toml::table& sweep, const std::string& source, int max_seeds,
                             const std::function<KeyType(const std::string&)>& key_type,
                             const std::function<std::string(const std::string&, const std::string&)>& problem,
                             const std::vector<std::string>& overrides) {
  SweepTable out;
  for (const auto& [name, node] : sweep) {
    const std::string n(name.str());
    const std::string where = fmt::format("{}:{}", source, node.source().begin.line);
    if (n == "seeds") {
      const auto* s = node.as_integer();
      if (s == nullptr || s->get() < 1 || s->get() > max_seeds)
        throw core::InputError(fmt::format("{}: sweep.seeds = {}: expected an integer in [1, {}]", where, literal(node),
                                           max_seeds));
      out.seeds = static_cast<int>(s->get());
    } else if (n == "axis") {
      const auto* arr = node.as_array();
      if (arr == nullptr || !arr->is_array_of_tables())
        throw core::InputError(fmt::format("{}: sweep.axis: expected [[sweep.axis]] tables", where));
      for (const auto& a : *arr) {
        const std::string at = fmt::format("{}:{}", source, a.source().begin.line);
        Axis axis = parse_axis(*a.as_table(), at, key_type);
        for (const Axis& other : out.axes)
          if (other.key == axis.key) throw core::InputError(fmt::format("{}: sweep axis {} appears twice", at, axis.key));
        for (const auto& v : axis.values)  // every value now, so a bad one fails before any run
          if (const std::string why = problem(axis.key, v); !why.empty())
            throw core::InputError(fmt::format("{}: sweep axis {}", at, why));
        out.axes.push_back(std::move(axis));
      }
    } else {
      throw core::InputError(fmt::format("{}: unknown key 'sweep.{}'; expected sweep.seeds or [[sweep.axis]]", where, n));
    }
  }
  if (out.axes.empty())
    throw core::InputError(fmt::format("{}: [sweep] has no axis; expected at least one [[sweep.axis]]", source));
  // The grid is built in memory before anything runs; refuse an absurd product of axes here,
  // with the sizes that made it, instead of allocating it.
  double points = 1;
  std::string sizes;
  for (const Axis& axis : out.axes) {
    sizes += (sizes.empty() ? "" : " × ") + std::to_string(axis.values.size());
    points *= static_cast<double>(axis.values.size());
  }
  if (points > static_cast<double>(kMaxGridPoints))
    throw core::InputError(fmt::format("{}: the sweep grid has {} = {:.4g} points; the limit is {} (use fewer axis "
                                       "values or several sweeps)", source, sizes, points, kMaxGridPoints));
  for (const auto& o : overrides)
    for (const Axis& axis : out.axes)
      if (o.substr(0, o.find('=')) == axis.key)
        throw core::InputError(fmt::format("--set {}: {} is an axis of this sweep; expected to change the axis in {}",
                                           o, axis.key, source));
  return out;
}

}  // namespace ptlab::experiment::detail
