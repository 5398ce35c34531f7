#include "ptlab/experiment/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <type_traits>
#include <limits>
#include <optional>
#include <sstream>
#include <toml++/toml.h>
#include <variant>

#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/core/hash.hpp"
#include "ptlab/experiment/sampling.hpp"
#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/detail/suggest.hpp"
#include "ptlab/experiment/detail/toml_config.hpp"

namespace ptlab::experiment {
namespace {

using Spec = ExperimentSpec;
using Value = std::variant<std::int64_t, double, bool, std::string>;

enum class Type { integer, number, boolean, choice };

/// One config key: how to read, write, check and document it.
struct Key {
  std::string path;  // "section.name"
  Type type;
  std::string comment;
  std::vector<std::string> choices;              // Type::choice
  std::function<Value(const Spec&)> get;
  std::function<void(Spec&, const Value&)> set;  // value already type- and range-checked
  std::function<bool(double)> in_range;          // integer and number keys
  std::string expected;                          // e.g. "a number in [0, 1]"
  double lo = 0.0, hi = 0.0;                     // integer keys: the closed range of values
  // Keys added after studies existed: left out of the hashed canonical text while at this value
  // (which reproduces the behaviour from before the key), so those studies keep their run ids.
  std::optional<Value> unhashed_at;
};

Key unhashed_at(Key key, Value value) {
  key.unhashed_at = std::move(value);
  return key;
}

struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
};

Range at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), false, false}; }
Range above(double lo) { return {lo, std::numeric_limits<double>::infinity(), true, false}; }
Range closed(double lo, double hi) { return {lo, hi, false, false}; }
Range half_open(double lo, double hi) { return {lo, hi, false, true}; }

std::string describe(const Range& r, const char* what) {
  const bool lo_inf = std::isinf(r.lo), hi_inf = std::isinf(r.hi);
  if (lo_inf && hi_inf) return fmt::format("{}", what);
  if (hi_inf) return fmt::format("{} {} {}", what, r.lo_open ? ">" : "≥", r.lo);
  if (lo_inf) return fmt::format("{} {} {}", what, r.hi_open ? "<" : "≤", r.hi);
  return fmt::format("{} in {}{}, {}{}", what, r.lo_open ? "(" : "[", r.lo, r.hi, r.hi_open ? ")" : "]");
}

std::function<bool(double)> checker(const Range& r) {
  return [r](double x) {
    if (!std::isfinite(x)) return false;
    const bool lo_ok = r.lo_open ? x > r.lo : x >= r.lo;
    const bool hi_ok = r.hi_open ? x < r.hi : x <= r.hi;
    return lo_ok && hi_ok;
  };
}

template <class Ref>
Key number_key(std::string path, Ref ref, Range range, std::string comment) {
  return Key{std::move(path), Type::number, std::move(comment), {},
             [ref](const Spec& s) { return Value(ref(const_cast<Spec&>(s))); },
             [ref](Spec& s, const Value& v) { ref(s) = std::get<double>(v); },
             checker(range), describe(range, "a number")};
}

template <class Ref>
Key integer_key(std::string path, Ref ref, Range range, std::string comment) {
  // A value must fit the field: 2^32 + 3 must not wrap to 3.
  using T = std::remove_reference_t<std::invoke_result_t<Ref, Spec&>>;
  if constexpr (sizeof(T) < sizeof(std::int64_t))
    range.hi = std::min(range.hi, static_cast<double>(std::numeric_limits<T>::max()));
  return Key{std::move(path), Type::integer, std::move(comment), {},
             [ref](const Spec& s) {
               return Value(static_cast<std::int64_t>(ref(const_cast<Spec&>(s))));
             },
             [ref](Spec& s, const Value& v) {
               using T = std::remove_reference_t<decltype(ref(s))>;
               ref(s) = static_cast<T>(std::get<std::int64_t>(v));
             },
             checker(range), describe(range, "an integer"), range.lo, range.hi};
}

template <class Ref>
Key bool_key(std::string path, Ref ref, std::string comment) {
  return Key{std::move(path), Type::boolean, std::move(comment), {},
             [ref](const Spec& s) { return Value(ref(const_cast<Spec&>(s))); },
             [ref](Spec& s, const Value& v) { ref(s) = std::get<bool>(v); },
             nullptr, "true or false"};
}

// Enum keys: `choices[i]` names the enumerator with value i.
template <class Ref>
Key choice_key(std::string path, Ref ref, std::vector<std::string> choices, std::string comment) {
  std::string expected = "one of";
  for (std::size_t i = 0; i < choices.size(); ++i)
    expected += fmt::format("{}\"{}\"", i == 0 ? " " : ", ", choices[i]);
  return Key{std::move(path), Type::choice, std::move(comment), choices,
             [ref, choices](const Spec& s) {
               return Value(choices.at(static_cast<std::size_t>(ref(const_cast<Spec&>(s)))));
             },
             [ref, choices](Spec& s, const Value& v) {
               using E = std::remove_reference_t<decltype(ref(s))>;
               const auto it = std::find(choices.begin(), choices.end(), std::get<std::string>(v));
               ref(s) = static_cast<E>(it - choices.begin());
             },
             nullptr, expected};
}

void add_task_keys(std::vector<Key>& keys, const std::string& section, int k,
                   data::TaskOptions Spec::*task, train::GdOptions Spec::*gd) {
  const std::string s = section + ".";
  keys.push_back(integer_key(s + "n", [task](Spec& x) -> int& { return (x.*task).n; }, at_least(1),
                             fmt::format("n{}: training samples of task {}", k, k)));
  keys.push_back(number_key(s + "norm_v", [task](Spec& x) -> double& { return (x.*task).norm_v; },
                            at_least(0), fmt::format("‖v_{}‖: norm of the task-specific signal", k)));
  keys.push_back(number_key(s + "sigma_p", [task](Spec& x) -> double& { return (x.*task).sigma_p; },
                            at_least(0), fmt::format("σ_(p,{}): noise standard deviation per coordinate", k)));
  keys.push_back(number_key(s + "p", [task](Spec& x) -> double& { return (x.*task).p; },
                            half_open(0, 0.5), fmt::format("p_{}: label-flip probability", k)));
  keys.push_back(integer_key(s + "steps", [gd](Spec& x) -> int& { return (x.*gd).steps; },
                             at_least(k == 1 ? 0 : 1), "T: maximum full-batch GD steps"));
  keys.push_back(number_key(s + "eta", [gd](Spec& x) -> double& { return (x.*gd).eta; }, above(0),
                            "η: GD step size"));
  keys.push_back(number_key(s + "eps", [gd](Spec& x) -> double& { return (x.*gd).eps; }, at_least(0),
                            "ε: stop once the training loss is ≤ ε (0 = run all steps)"));
  keys.push_back(number_key(s + "weight_decay",
                            [gd](Spec& x) -> double& { return (x.*gd).weight_decay; }, at_least(0),
                            "λ: weight decay, penalty (λ/2)‖W‖²"));
}

const std::vector<Key>& schema() {
  static const std::vector<Key> keys = [] {
    std::vector<Key> k;
    k.push_back(integer_key("data.d", [](Spec& s) -> int& { return s.frame.d; }, at_least(3),
                            "patch dimension d (the signal frame uses e1, e2, e3, so d ≥ 3)"));
    k.push_back(choice_key("data.layout", [](Spec& s) -> data::Layout& { return s.frame.layout; },
                           {"shared", "separate"},
                           "shared: x = [ŷ(u+v_k), ξ]; separate: x = [ŷu, ŷv_k, ξ]"));
    k.push_back(number_key("data.norm_u", [](Spec& s) -> double& { return s.frame.norm_u; },
                           at_least(0), "‖u‖: norm of the universal signal shared by both tasks"));
    k.push_back(number_key("data.theta", [](Spec& s) -> double& { return s.frame.theta; },
                           closed(0, 180), "θ: angle between v_1 and v_2 in degrees (90 = orthogonal)"));
    k.push_back(integer_key("data.n_test", [](Spec& s) -> int& { return s.frame.n_test; },
                            at_least(1), "fresh test samples per task"));
    k.push_back(unhashed_at(
        choice_key("data.sampling", [](Spec& s) -> data::Sampling& { return s.frame.sampling; },
                   {"direct", "reduced", "auto"},
                   "direct: every coordinate of R^d; reduced: the reduced basis, exact in distribution and "
                   "independent of d (needs d − 3 ≥ 4m + n1 + n2; docs/design.md §2.6); auto: reduced where valid "
                   "and narrower"),
        std::string("direct")));
    k.push_back(unhashed_at(bool_key("data.project_noise", [](Spec& s) -> bool& { return s.frame.project_noise; },
                                     "project u and v out of the noise patches (false: ξ ~ N(0, σ_p² I))"),
                            true));
    add_task_keys(k, "upstream", 1, &Spec::upstream, &Spec::upstream_train);
    add_task_keys(k, "downstream", 2, &Spec::downstream, &Spec::downstream_train);
    k.push_back(unhashed_at(
        number_key("downstream.l2sp", [](Spec& s) -> double& { return s.downstream_train.l2sp; }, closed(0, 1e6),
                   "λ_SP: L2-SP penalty (λ_SP/2)‖W − W_inherited‖² on the inherited entries (Li et al. 2018; "
                   "0 = off; scratch is unaffected)"),
        0.0));
    k.push_back(integer_key("model.m", [](Spec& s) -> int& { return s.model.m; }, at_least(1),
                            "m: filters per class"));
    k.push_back(choice_key("model.activation",
                           [](Spec& s) -> model::Activation& { return s.model.activation; },
                           {"relu", "leaky_relu", "poly_relu"},
                           "σ: relu max(0,z); leaky_relu max(z, κz); poly_relu max(0,z)^q"));
    k.push_back(number_key("model.leaky_slope", [](Spec& s) -> double& { return s.model.leaky_slope; },
                           half_open(0, 1), "κ of leaky_relu"));
    k.push_back(number_key("model.q", [](Spec& s) -> double& { return s.model.q; }, at_least(1),
                           "q of poly_relu"));
    k.push_back(number_key("model.sigma_0", [](Spec& s) -> double& { return s.model.sigma_0; },
                           at_least(0), "σ₀: init standard deviation, w ~ N(0, σ₀² I)"));
    k.push_back(unhashed_at(choice_key("model.readout", [](Spec& s) -> model::Readout& { return s.model.readout; },
                                       {"mean", "sum"},
                                       "second layer over a class's filters: mean (±1/m) or sum (±1, Kou et al. 2023's script)"),
                            std::string("mean")));
    k.push_back(unhashed_at(choice_key("model.patch_pool", [](Spec& s) -> model::PatchPool& { return s.model.patch_pool; },
                                       {"sum", "mean"}, "pooling over a sample's patches: sum or mean (1/P)"),
                            std::string("sum")));
    k.push_back(unhashed_at(choice_key("model.init", [](Spec& s) -> model::Init& { return s.model.init; },
                                       {"normal", "fan_in"},
                                       "normal: N(0, σ₀²); fan_in: N(0, 1/(3d)), the variance of PyTorch's default "
                                       "U(±1/√d) with a Gaussian law (sigma_0 unused)"),
                            std::string("normal")));
    k.push_back(unhashed_at(bool_key("model.bias", [](Spec& s) -> bool& { return s.model.bias; },
                                     "a trained bias per filter, σ(⟨w, x⁽ᵖ⁾⟩ + b), drawn like one weight coordinate "
                                     "(PyTorch's Conv1d has one); run.phases = \"scratch\" only"),
                            false));
    k.push_back(choice_key("transfer.rule", [](Spec& s) -> transfer::Rule& { return s.transfer.rule; },
                           {"filter", "entry", "layer", "activation", "oracle"},
                           "which upstream parameters are inherited (docs/design.md §2.3)"));
    k.push_back(number_key("transfer.alpha", [](Spec& s) -> double& { return s.transfer.alpha; },
                           closed(0, 1), "α: inheritance ratio (filter, entry, oracle rules)"));
    k.push_back(bool_key("transfer.freeze", [](Spec& s) -> bool& { return s.transfer.freeze; },
                         "keep inherited parameters fixed downstream (false = fine-tune)"));
    k.push_back(number_key("transfer.tau", [](Spec& s) -> double& { return s.transfer.tau; },
                           closed(0, 1), "τ of the activation rule: minimum firing fraction"));
    k.push_back(unhashed_at(number_key("transfer.shrink", [](Spec& s) -> double& { return s.transfer.shrink; },
                                       closed(0, 1),
                                       "shrink and perturb (Ash & Adams 2020): inherited entries become "
                                       "shrink·w_up + perturb·w_fresh (1 = no shrink)"),
                            1.0));
    k.push_back(unhashed_at(number_key("transfer.perturb", [](Spec& s) -> double& { return s.transfer.perturb; },
                                       closed(0, 1e6), "perturb: scale of the fresh draw added to inherited entries (0 = none)"),
                            0.0));
    k.push_back(integer_key("run.seed", [](Spec& s) -> std::uint64_t& { return s.seed; }, at_least(0),
                            "first seed; seed i of N is seed + i"));
    k.push_back(integer_key("run.seeds", [](Spec& s) -> int& { return s.seeds; },
                            closed(1, 1000000), "number of seeds"));
    k.push_back(integer_key("run.curve_every",
                            [](Spec& s) -> int& { return s.curve_every; }, at_least(1),
                            "learning-curve point every k GD steps (all phases)"));
    k.push_back(choice_key("run.backend", [](Spec& s) -> train::Backend& { return s.backend; },
                           {"auto", "dense", "span"},
                           "GD backend: dense (W itself), span (coefficients over the training patches; exact, "
                           "independent of d) or auto (the cheaper by the cost model of train/span.hpp)"));
    k.push_back(unhashed_at(choice_key("run.phases", [](Spec& s) -> Phases& { return s.phases; }, {"all", "scratch"},
                                       "all: upstream, transfer and scratch; scratch: the scratch phase alone "
                                       "(training from scratch; NTG is then NaN)"),
                            std::string("all")));
    k.push_back(integer_key("dynamics.every", [](Spec& s) -> int& { return s.dynamics.every; }, at_least(0),
                            "γ/ρ checkpoint every k GD steps and at the end (0 = off; docs/design.md §2.4)"));
    k.push_back(bool_key("dynamics.full", [](Spec& s) -> bool& { return s.dynamics.full; },
                         "also keep every filter's γ and ρ per checkpoint (large: 2m × (n + S + 1) numbers; ptlab run --out only)"));
    return k;
  }();
  return keys;
}

const Key* find_key(const std::string& path) {
  for (const Key& k : schema())
    if (k.path == path) return &k;
  return nullptr;
}

bool is_section(const std::string& path) {
  for (const Key& k : schema())
    if (k.path.rfind(path + ".", 0) == 0) return true;
  return false;
}

// The closest key by edit distance on the whole path or on the last component, if close enough.
std::optional<std::string> suggest(const std::string& path) { return detail::closest_key(path, config_keys()); }

std::string format_double(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{}", x);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string format_value(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::int64_t>) return fmt::format("{}", x);
        if constexpr (std::is_same_v<T, double>) return format_double(x);
        if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        if constexpr (std::is_same_v<T, std::string>) return fmt::format("\"{}\"", x);
      },
      v);
}

// A TOML node as shown in a message: its TOML text, or its type for tables and arrays.
std::string show(const toml::node& node) {
  if (node.is_table()) return "a table";
  if (node.is_array()) return "an array";
  std::ostringstream out;
  if (const auto* s = node.as_string()) {
    out << '"' << s->get() << '"';
  } else if (const auto* f = node.as_floating_point()) {
    out << format_double(f->get());
  } else {
    node.visit([&](const auto& v) { out << v; });
  }
  return out.str();
}

// Type-checks, range-checks and stores one value. `where` is the file (with line) or override.
void assign(Spec& spec, const Key& key, const toml::node& node, const std::string& where) {
  const auto fail = [&]() {
    throw core::InputError(fmt::format("{}: {} = {}: expected {}", where, key.path, show(node), key.expected));
  };
  Value value;
  switch (key.type) {
    case Type::integer: {
      const auto* i = node.as_integer();
      if (i == nullptr || !key.in_range(static_cast<double>(i->get()))) fail();
      value = i->get();
      break;
    }
    case Type::number: {
      double x = 0;
      if (const auto* i = node.as_integer()) x = static_cast<double>(i->get());
      else if (const auto* f = node.as_floating_point()) x = f->get();
      else fail();
      if (!key.in_range(x)) fail();
      value = x;
      break;
    }
    case Type::boolean: {
      const auto* b = node.as_boolean();
      if (b == nullptr) fail();
      value = b->get();
      break;
    }
    case Type::choice: {
      const auto* s = node.as_string();
      if (s == nullptr || std::find(key.choices.begin(), key.choices.end(), s->get()) == key.choices.end()) fail();
      value = s->get();
      break;
    }
  }
  key.set(spec, value);
}

std::string unknown_key_message(const std::string& where, const std::string& path) {
  // "transfer.alpha.x": a key used as a table.
  for (auto dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
    if (find_key(path.substr(0, dot)) != nullptr)
      return fmt::format("{}: unknown key '{}': {} is a value, not a table", where, path, path.substr(0, dot));
  std::string msg = fmt::format("{}: unknown key '{}'", where, path);
  if (const auto s = suggest(path)) msg += fmt::format(" (did you mean '{}'?)", *s);
  else msg += " (see `ptlab config --default` for every key)";
  return msg;
}

void apply_table(Spec& spec, const toml::table& table, const std::string& prefix,
                 const std::string& source, bool skip_sweep = false) {
  for (const auto& [name, node] : table) {
    const std::string path = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    const std::string where = fmt::format("{}:{}", source, node.source().begin.line);
    if (const Key* key = find_key(path)) {
      assign(spec, *key, node, where);
    } else if (path == "sweep" && skip_sweep) {
      continue;
    } else if (path == "sweep") {
      throw core::InputError(fmt::format("{}: [sweep] describes a sweep; expected `ptlab sweep {}`", where, source));
    } else if (is_section(path)) {
      const auto* sub = node.as_table();
      if (sub == nullptr) throw core::InputError(fmt::format("{}: {} = {}: expected a table [{}]", where, path, show(node), path));
      apply_table(spec, *sub, path, source);
    } else {
      throw core::InputError(unknown_key_message(where, path));
    }
  }
}

}  // namespace

void apply_override(Spec& spec, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw core::InputError(fmt::format("--set {}: expected key=value, e.g. transfer.alpha=0.5", assignment));
  const auto trim = [](std::string x) {
    const auto b = x.find_first_not_of(" \t");
    const auto e = x.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : x.substr(b, e - b + 1);
  };
  // One key, one value: a line break would smuggle in further TOML.
  for (const char c : assignment)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
      throw core::InputError("--set: contains a line break or control character; expected one key=value");
  const std::string path = trim(assignment.substr(0, eq));
  const std::string raw = trim(assignment.substr(eq + 1));
  const std::string where = fmt::format("--set {}", assignment);
  if (std::count(path.begin(), path.end(), '.') > 8)
    throw core::InputError(fmt::format("--set: key of {} parts; expected section.name", std::count(path.begin(), path.end(), '.') + 1));
  const Key* key = find_key(path);
  if (key == nullptr && is_section(path)) {
    std::string example;
    for (const Key& k : schema())
      if (example.empty() && k.path.rfind(path + ".", 0) == 0) example = k.path;
    throw core::InputError(fmt::format("{}: {} is a section; set its keys one at a time, e.g. --set {}=VALUE",
                                       where, path, example));
  }
  if (key == nullptr) throw core::InputError(unknown_key_message(where, path));
  std::optional<toml::table> value = try_parse_toml_value(raw, where);
  // A bare word is a string ("--set transfer.rule=entry").
  if (!value || (key->type == Type::choice && !(*value)["v"].is_string())) value = toml::table{{"v", raw}};
  const toml::table& parsed = *value;
  assign(spec, *key, *parsed.get("v"), where);
}

namespace detail {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string leaf(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

}  // namespace

std::optional<std::string> closest_key(const std::string& path, const std::vector<std::string>& keys) {
  // Edit distance is quadratic in the length; no ptlab key is near 64 characters, so a longer
  // name has no close match and is not worth seconds of comparisons.
  if (path.size() > 64) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max(), best_whole = best_d;
  for (const std::string& k : keys) {
    const std::size_t whole = edit_distance(path, k);
    const std::size_t dist = std::min(whole, edit_distance(leaf(path), leaf(k)));
    // Ties go to the closer whole path: downstream.lrr → downstream.lr, not upstream.lr.
    if (dist < best_d || (dist == best_d && whole < best_whole)) {
      best_d = dist;
      best_whole = whole;
      best = k;
    }
  }
  if (best_d <= std::max<std::size_t>(2, leaf(path).size() / 3)) return best;
  return std::nullopt;
}

std::string read_text(const std::string& path) {
  if (path.empty()) throw core::InputError("config path is empty; expected a TOML config file");
  return core::read_text_file(path, "config file", "a TOML config file", 16u << 20);
}

ExperimentSpec spec_from_table(const toml::table& table, const std::string& source_name, bool skip_sweep) {
  Spec spec;
  apply_table(spec, table, "", source_name, skip_sweep);
  return spec;
}

}  // namespace detail

ExperimentSpec parse_config(const std::string& text, const std::string& source_name,
                            const std::vector<std::string>& overrides) {
  Spec spec = detail::spec_from_table(parse_toml(text, source_name), source_name, false);
  for (const std::string& o : overrides) apply_override(spec, o);
  if (spec.frame.sampling == data::Sampling::reduced) {
    const std::string why = reduced_invalid_reason(spec, spec.scratch_only());
    if (!why.empty())
      throw core::InputError(fmt::format("{}: data.sampling = \"reduced\" is not exact here: {}; expected "
                                         "data.sampling = \"direct\" (or \"auto\", which picks it)", source_name, why));
  }
  if (const std::string why = cross_key_invalid_reason(spec); !why.empty())
    throw core::InputError(fmt::format("{}: {}", source_name, why));
  if (spec.dynamics.full && spec.dynamics.every == 0)
    throw core::InputError(fmt::format("{}: dynamics.full = true with dynamics.every = 0 records nothing; expected "
                                       "dynamics.every > 0", source_name));
  return spec;
}

ExperimentSpec load_config(const std::string& path, const std::vector<std::string>& overrides) {
  const std::string text = detail::read_text(path);
  try {
    return parse_config(text, path, overrides);
  } catch (const core::InputError&) {
    // A deep config read as a theory one would be a list of unknown keys: say what it is.
    if (is_deep_config(path)) throw core::InputError(fmt::format("{}: this is a deep config: use `ptlab deep`", path));
    throw;
  }
}

IntegerBounds integer_key_bounds(const std::string& path) {
  const Key* key = find_key(path);
  PTLAB_ASSERT(key != nullptr && key->type == Type::integer);
  // Clamp an unbounded side (±inf) into the int64 range before converting.
  const auto clamp = [](double x) {
    constexpr double kMax = 9.2e18;
    return static_cast<std::int64_t>(std::clamp(x, -kMax, kMax));
  };
  return {clamp(key->lo), clamp(key->hi)};
}

KeyType key_type(const std::string& path) {
  const Key* key = find_key(path);
  if (key == nullptr) throw core::InputError(unknown_key_message("sweep axis", path));
  switch (key->type) {
    case Type::integer: return KeyType::integer;
    case Type::number: return KeyType::number;
    case Type::boolean: return KeyType::boolean;
    case Type::choice: return KeyType::choice;
  }
  return KeyType::number;
}

std::string canonical_toml(const ExperimentSpec& spec, bool comments) {
  std::string out;
  std::string section;
  for (const Key& k : schema()) {
    const auto dot = k.path.find('.');
    const std::string s = k.path.substr(0, dot);
    if (s != section) {
      out += fmt::format("{}[{}]\n", section.empty() ? "" : "\n", s);
      section = s;
    }
    const Value value = k.get(spec);
    if (!comments && k.unhashed_at && value == *k.unhashed_at) continue;
    const std::string line = fmt::format("{} = {}", k.path.substr(dot + 1), format_value(value));
    if (comments) {
      out += fmt::format("{:<24} # {} ({})\n", line, k.comment, k.expected);
    } else {
      out += line + "\n";
    }
  }
  return out;
}

std::string config_hash(const ExperimentSpec& spec) {
  return fmt::format("{:016x}", core::fnv1a(canonical_toml(spec)));
}

std::string run_hash(const ExperimentSpec& spec) {
  ExperimentSpec s = spec;
  s.seed = 0;
  s.seeds = 1;
  return config_hash(s);
}

std::vector<std::string> config_keys() {
  std::vector<std::string> paths;
  for (const Key& k : schema()) paths.push_back(k.path);
  return paths;
}

}  // namespace ptlab::experiment
