#include "ptlab/experiment/deep_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

#include "ptlab/core/error.hpp"
#include "ptlab/core/hash.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/detail/suggest.hpp"
#include "ptlab/experiment/detail/toml_config.hpp"

namespace ptlab::experiment {
namespace {

using Kind = DeepKeyKind;

std::string quoted(const std::string& s) {
  std::ostringstream out;
  out << toml::value<std::string>(s);  // TOML escaping
  return out.str();
}

// One key of a target (DeepSpec, or DeepTrainSpec for the keys both stages share): how to read,
// check, write and document it.
template <class T>
struct Field {
  std::string name;      // "section.name" (DeepSpec) or "name" (DeepTrainSpec)
  Kind kind;
  std::string comment;   // what the key means
  std::string expected;  // what a value must be, e.g. "an integer in [1, 10000]"
  // Type- and range-checks a value and stores it; returns "" or what was expected instead.
  std::function<std::string(const toml::node&, T&)> read;
  std::function<std::string(const T&)> write;  // the canonical TOML value
  std::int64_t lo = 0, hi = 0;                   // integer keys: the closed range of values
  // Keys added after studies existed: left out of the hashed canonical text while this says the
  // value is the one that reproduces the behaviour from before the key (so run ids stay).
  std::function<bool(const T&)> unhashed;
};

template <class T, class P>
Field<T> integer(std::string name, P member, std::int64_t lo, std::int64_t hi, std::string comment) {
  const std::string expected = fmt::format("an integer in [{}, {}]", lo, hi);
  return {std::move(name), Kind::integer, std::move(comment), expected,
          [=](const toml::node& n, T& t) {
            const auto* v = n.as_integer();
            if (v == nullptr || v->get() < lo || v->get() > hi) return expected;
            t.*member = static_cast<std::remove_reference_t<decltype(t.*member)>>(v->get());
            return std::string();
          },
          [=](const T& t) { return fmt::format("{}", t.*member); }, lo, hi};
}

template <class T, class P>
Field<T> number(std::string name, P member, double lo, double hi, bool hi_open, std::string comment) {
  const std::string expected = fmt::format("a number in [{}, {}{}", lo, hi, hi_open ? ")" : "]");
  return {std::move(name), Kind::number, std::move(comment), expected,
          [=](const toml::node& n, T& t) {
            const auto v = n.value<double>();
            if (!v || !(*v >= lo && (hi_open ? *v < hi : *v <= hi))) return expected;
            t.*member = *v;
            return std::string();
          },
          [=](const T& t) { return fmt::format("{}", t.*member); }};
}

template <class T, class P>
Field<T> boolean(std::string name, P member, std::string comment) {
  return {std::move(name), Kind::boolean, std::move(comment), "true or false",
          [=](const toml::node& n, T& t) {
            if (!n.is_boolean()) return std::string("true or false");
            t.*member = n.as_boolean()->get();
            return std::string();
          },
          [=](const T& t) { return fmt::format("{}", t.*member); }};
}

// An enum key: its values are the names of DeepNames<E>.
template <class T, class P>
Field<T> choice(std::string name, P member, std::string comment) {
  using E = std::remove_cvref_t<decltype(std::declval<T&>().*member)>;
  const std::string expected = fmt::format("one of \"{}\"", fmt::join(DeepNames<E>::names, "\", \""));
  return {std::move(name), Kind::choice, std::move(comment), expected,
          [=](const toml::node& n, T& t) {
            const auto v = n.value<std::string>();
            const auto e = v ? deep_enum<E>(*v) : std::nullopt;
            if (!e) return expected;
            t.*member = *e;
            return std::string();
          },
          [=](const T& t) { return fmt::format("\"{}\"", to_string(t.*member)); }};
}

template <class T, class P>
Field<T> text(std::string name, P member, std::string comment) {
  return {std::move(name), Kind::text, std::move(comment), "a string",
          [=](const toml::node& n, T& t) {
            if (!n.is_string()) return std::string("a string");
            t.*member = n.as_string()->get();
            return std::string();
          },
          [=](const T& t) { return quoted(t.*member); }};
}

// A list of integers or numbers in [lo, hi]; empty only when `allow_empty`.
template <class T, class P>
Field<T> list(std::string name, P member, double lo, double hi, bool allow_empty, std::string comment) {
  using V = typename std::remove_cvref_t<decltype(std::declval<T&>().*member)>::value_type;
  constexpr bool ints = std::is_integral_v<V>;
  const std::string some = allow_empty ? "an array" : "a non-empty array";
  const std::string expected = fmt::format("{} of {} in [{}, {}]", some, ints ? "integers" : "numbers", lo, hi);
  const std::string not_array = fmt::format("{} of values in [{}, {}]", some, lo, hi);
  return {std::move(name), ints ? Kind::integer_list : Kind::number_list, std::move(comment), expected,
          [=](const toml::node& n, T& t) {
            const auto* a = n.as_array();
            if (a == nullptr || (a->empty() && !allow_empty)) return not_array;
            std::vector<V> out;
            for (const auto& e : *a) {
              const auto v = e.value<double>();
              if (!v || *v < lo || *v > hi || (ints && !e.is_integer())) return expected;
              out.push_back(static_cast<V>(*v));
            }
            t.*member = std::move(out);
            return std::string();
          },
          [=](const T& t) { return fmt::format("[{}]", fmt::join(t.*member, ", ")); }};
}

using Key = Field<DeepSpec>;

// The keys of a training stage, declared once for [upstream] and [downstream].
const std::vector<Field<DeepTrainSpec>>& train_fields() {
  using S = DeepTrainSpec;
  static const std::vector<Field<S>> fields = {
      choice<S>("task", &S::task,
                "classes: classify the classes; rotation (upstream only): predict the quarter turn of each image, a "
                "pretext task"),
      list<S>("classes", &S::classes, 0, 99, false,
              "source classes, relabelled 0 … k−1 in this order (at least two, distinct)"),
      integer<S>("per_class", &S::per_class, 0, 1000000, "training images per class (0 = all)"),
      number<S>("label_noise", &S::label_noise, 0, 1, true, "noise knob: probability of a wrong label"),
      number<S>("input_noise", &S::input_noise, 0, 100,
                false, "noise knob: σ of Gaussian noise on the inputs (scaled to [−1, 1])"),
      choice<S>("optimizer", &S::optimizer, "sgd (momentum 0.9) or adamw"),
      number<S>("lr", &S::lr, 1e-8, 10, false, "peak learning rate (cosine decay to 0 over the run)"),
      number<S>("weight_decay", &S::weight_decay, 0, 1, false, "weight decay"),
      integer<S>("epochs", &S::epochs, 1, 10000, "training epochs"),
      integer<S>("batch_size", &S::batch_size, 1, 65536, "mini-batch size"),
      boolean<S>("augment", &S::augment, "random crop (padding 2) and horizontal flip"),
      integer<S>("eval_every", &S::eval_every, 1, 10000,
                 "test accuracy every this many epochs (and after the last)"),
  };
  return fields;
}

// A stage's key as a key of the whole spec.
Key in_stage(const Field<DeepTrainSpec>& f, const std::string& section, DeepTrainSpec DeepSpec::*stage) {
  return {section + "." + f.name, f.kind, f.comment, f.expected,
          [read = f.read, stage](const toml::node& n, DeepSpec& s) { return read(n, s.*stage); },
          [write = f.write, stage](const DeepSpec& s) { return write(s.*stage); }, f.lo, f.hi};
}

// Every key, in canonical order (the order of deep_canonical_toml and so of the run hash).
const std::vector<Key>& schema() {
  using S = DeepSpec;
  static const std::vector<Key> keys = [] {
    std::vector<Key> k = {
        choice<S>("data.dataset", &S::dataset,
                  "fashion-mnist (Debian's dataset-fashion-mnist); opencv-digits, sklearn-digits (Debian's "
                  "opencv-doc and python3-sklearn); or the files in data.dir: idx (MNIST format), cifar10, cifar100 "
                  "(binary versions), folder (train/CLASS/*.png|jpg… and test/CLASS/…)"),
        text<S>("data.dir", &S::dir,
                "the directory of the idx/cifar/folder files (required for them; the digits' default: Debian's)"),
    };
    // Added after studies existed: out of the hashed text at their defaults (one data set, as stored).
    Key down{"data.downstream_dataset", Kind::text,
             "cross-dataset transfer: the downstream stage's data set (\"\" = data.dataset)",
             fmt::format("\"\" or one of \"{}\"", fmt::join(DeepNames<DeepDataset>::names, "\", \"")),
             [](const toml::node& n, S& t) {
               const auto v = n.value<std::string>();
               const auto e = v ? deep_enum<DeepDataset>(*v) : std::nullopt;
               if (!v || (!v->empty() && !e))
                 return fmt::format("\"\" or one of \"{}\"", fmt::join(DeepNames<DeepDataset>::names, "\", \""));
               t.downstream_dataset = e;
               return std::string();
             },
             [](const S& t) { return quoted(t.downstream_dataset ? to_string(*t.downstream_dataset) : std::string()); }};
    down.unhashed = [](const S& t) { return !t.downstream_dataset; };
    k.push_back(std::move(down));
    Key down_dir = text<S>("data.downstream_dir", &S::downstream_dir,
                           "the directory of the downstream data set's files (as data.dir)");
    down_dir.unhashed = [](const S& t) { return t.downstream_dir.empty(); };
    k.push_back(std::move(down_dir));
    Key size = integer<S>("data.size", &S::size, 0, 1024,
                          "resize every image to size × size pixels (0 = as stored; cross-dataset: one shape)");
    size.unhashed = [](const S& t) { return t.size == 0; };
    k.push_back(std::move(size));
    Key channels = integer<S>("data.channels", &S::channels, 0, 3,
                              "convert images to 1 (grey) or 3 (RGB) channels (0 = as stored)");
    channels.unhashed = [](const S& t) { return t.channels == 0; };
    k.push_back(std::move(channels));
    for (const auto& f : train_fields()) k.push_back(in_stage(f, "upstream", &S::upstream));
    for (const auto& f : train_fields()) k.push_back(in_stage(f, "downstream", &S::downstream));
    // L2-SP is downstream only (upstream training inherits nothing to anchor to).
    Key l2sp = in_stage(number<DeepTrainSpec>("l2sp", &DeepTrainSpec::l2sp, 0, 1e6, false,
                                              "L2-SP: λ_SP of the penalty (λ_SP/2)‖w − w_inherited‖² on the inherited "
                                              "entries (Li et al. 2018; 0 = off; scratch is unaffected)"),
                        "downstream", &S::downstream);
    l2sp.unhashed = [](const S& s) { return s.downstream.l2sp == 0.0; };
    k.push_back(std::move(l2sp));
    // Validation and fine-tuning baselines, downstream only; out of the hashed text at their defaults.
    using T = DeepTrainSpec;
    Key val = in_stage(number<T>("val_fraction", &T::val_fraction, 0, 0.9, false,
                                 "fraction of each class's training images held out for validation (⌊f·n⌋ per "
                                 "class; 0 = none); both runs train on the rest"),
                       "downstream", &S::downstream);
    val.unhashed = [](const S& s) { return s.downstream.val_fraction == 0.0; };
    k.push_back(std::move(val));
    Key epoch = in_stage(choice<T>("select_epoch", &T::select_epoch,
                                   "the epoch a run reports: last, or val (the evaluated epoch of highest validation "
                                   "accuracy; needs val_fraction > 0)"),
                         "downstream", &S::downstream);
    epoch.unhashed = [](const S& s) { return s.downstream.select_epoch == DeepEpochChoice::last; };
    k.push_back(std::move(epoch));
    Key probe = in_stage(integer<T>("probe_epochs", &T::probe_epochs, 0, 10000,
                                    "transfer runs: epochs of linear probing (head only, backbone fixed) before "
                                    "fine-tuning (Kumar et al. 2022 LP-FT; = epochs: a linear probe; 0 = off)"),
                         "downstream", &S::downstream);
    probe.unhashed = [](const S& s) { return s.downstream.probe_epochs == 0; };
    k.push_back(std::move(probe));
    Key block_lr = in_stage(list<T>("block_lr", &T::block_lr, 0, 1000, true,
                                    "transfer runs: learning-rate factor per block, head included, in forward order "
                                    "(discriminative fine-tuning; [] = 1 everywhere)"),
                            "downstream", &S::downstream);
    block_lr.unhashed = [](const S& s) { return s.downstream.block_lr.empty(); };
    k.push_back(std::move(block_lr));
    k.push_back(choice<S>("model.arch", &S::arch,
                          "resnet8, resnet20 (CIFAR ResNets), resnet18, vgg11, vgg16 (with BatchNorm), vit (a small "
                          "ViT); model/deep/models.hpp"));
    // Added after studies existed: out of the hashed text at its default (the stem from before).
    Key stem = choice<S>("model.stem", &S::stem,
                         "resnet18's stem: small (3 × 3 stride 1, for small images) or imagenet (torchvision's 7 × 7 "
                         "stride 2 and a max-pool: its resnet18 weights import whole)");
    stem.unhashed = [](const S& t) { return t.stem == DeepStem::small; };
    k.push_back(std::move(stem));
    k.push_back(choice<S>("transfer.rule", &S::rule,
                          "channel: ⌊α·C⌋ output channels of every tensor; entry: a fraction α of the entries; "
                          "blocks: the first k blocks whole (AnB)"));
    k.push_back(choice<S>("transfer.select", &S::select,
                          "channel rule: random channels (seeded) or activation (the most active on the downstream "
                          "images)"));
    k.push_back(list<S>("transfer.alphas", &S::alphas, 0, 1, false,
                        "α values, one setting each (channel and entry rules; distinct)"));
    k.push_back(list<S>("transfer.blocks", &S::blocks, 0, 1000, true,
                        "k values, one setting each (blocks rule: non-empty, distinct)"));
    k.push_back(boolean<S>("transfer.freeze", &S::freeze,
                           "blocks rule only: keep the copied blocks fixed (AnB) or fine-tune them (false: AnB+)"));
    // Added after studies existed: out of the hashed text at plain inheritance (1, 0).
    Key shrink = number<S>("transfer.shrink", &S::shrink, 0, 1, false,
                           "shrink and perturb (Ash & Adams 2020): inherited parameter entries become "
                           "shrink·w_up + perturb·w_fresh (1 = no shrink)");
    shrink.unhashed = [](const S& s) { return s.shrink == 1.0; };
    k.push_back(std::move(shrink));
    Key perturb = number<S>("transfer.perturb", &S::perturb, 0, 100, false,
                            "shrink and perturb: the scale of the fresh initial values added (0 = none)");
    perturb.unhashed = [](const S& s) { return s.perturb == 0.0; };
    k.push_back(std::move(perturb));
    Key norm_matched = boolean<S>("transfer.norm_matched", &S::norm_matched,
                                  "control (Raghu et al. 2019): inherited entries redrawn from N(mean, sd²) of the "
                                  "upstream tensor's inherited entries; running statistics not inherited");
    norm_matched.unhashed = [](const S& s) { return !s.norm_matched; };
    k.push_back(std::move(norm_matched));
    k.push_back(text<S>("transfer.import", &S::import_weights,
                        "a weights archive to transfer from instead of training upstream (\"\" = train)"));
    k.push_back(integer<S>("run.seeds", &S::seeds, 1, 1000, "seeds; seed i of N is seed + i"));
    k.push_back(integer<S>("run.seed", &S::seed, 0, 1000000000, "first seed"));
    k.push_back(integer<S>("run.threads", &S::threads, 0, kMaxThreads, "LibTorch intra-op threads (0 = all cores)"));
    k.push_back(choice<S>("run.device", &S::device,
                          "auto (CUDA when LibTorch has it and a GPU is visible), cpu or cuda"));
    return k;
  }();
  return keys;
}

const Key* find_key(const std::string& path) {
  for (const Key& k : schema())
    if (k.name == path) return &k;
  return nullptr;
}

}  // namespace

IntegerBounds deep_integer_key_bounds(const std::string& path) {
  const Key* k = find_key(path);
  PTLAB_ASSERT(k != nullptr && k->kind == Kind::integer);
  return {k->lo, k->hi};
}

namespace {

std::string section_of(const std::string& path) { return path.substr(0, path.find('.')); }

// The sections in canonical order: data, upstream, downstream, model, transfer, run.
std::vector<std::string> sections() {
  std::vector<std::string> out;
  for (const Key& k : schema())
    if (out.empty() || out.back() != section_of(k.name)) out.push_back(section_of(k.name));
  return out;
}

std::string unknown_key(const std::string& where, const std::string& path) {
  std::string msg = fmt::format("{}: unknown key '{}'", where, path);
  if (const auto s = deep_key_suggestion(path)) return msg + fmt::format(" (did you mean '{}'?)", *s);
  return msg + " (see `ptlab config --default --deep` for every key)";
}

struct Reader {
  const toml::table& root;
  std::string source;
  std::map<std::string, std::string> set_by;  ///< key → the --set argument that gave its value

  // Where a key's value came from: the --set argument, else the file and its line (if it has one).
  [[noreturn]] void fail(const std::string& key, const toml::node* node, const std::string& expected) const {
    if (const auto it = set_by.find(key); it != set_by.end())
      throw core::InputError(fmt::format("--set {}: {}: expected {}", it->second, key, expected));
    const int line = node != nullptr ? static_cast<int>(node->source().begin.line) : 0;
    throw core::InputError(fmt::format("{}{}: {}: expected {}", source, line > 0 ? fmt::format(":{}", line) : "", key,
                                       expected));
  }
  const toml::node* at(const std::string& key) const { return root.at_path(key).node(); }
  // The failure at the key's line (when the file has it).
  [[noreturn]] void fail(const std::string& key, const std::string& expected) const { fail(key, at(key), expected); }
};

// Sections and keys of the file all exist.
void check_keys(const toml::table& t, const std::string& source) {
  const auto known = sections();
  for (const auto& [section, node] : t) {
    const std::string s(section.str());
    const auto line = node.source().begin.line;
    if (s == "sweep")
      throw core::InputError(fmt::format("{}:{}: [sweep] describes a sweep; expected `ptlab sweep {}`", source, line,
                                         source));
    const auto* table = node.as_table();
    if (table == nullptr || std::find(known.begin(), known.end(), s) == known.end())
      throw core::InputError(fmt::format("{}:{}: {}: expected a section [{}]", source, line, s,
                                         fmt::join(known.begin(), known.end() - 1, "], ["))
                             + fmt::format(" or [{}]", known.back()));
    for (const auto& [key, value] : *table) {
      const std::string path = s + "." + std::string(key.str());
      if (find_key(path) == nullptr)
        throw core::InputError(unknown_key(fmt::format("{}:{}", source, value.source().begin.line), path));
    }
  }
}

template <class V>
bool distinct(std::vector<V> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) == v.end();
}

// The rules between keys (each key's own type and range are in the schema).
void check_rules(const DeepSpec& d, const Reader& r) {
  const auto needs_dir = [](DeepDataset x) {
    return x != DeepDataset::fashion_mnist && x != DeepDataset::opencv_digits && x != DeepDataset::sklearn_digits;
  };
  if (needs_dir(d.dataset) && d.dir.empty())
    r.fail("data.dir", nullptr,
           fmt::format("the directory of the {} files (dataset = \"{}\")", to_string(d.dataset), to_string(d.dataset)));
  if (d.downstream_dataset && needs_dir(*d.downstream_dataset) && d.downstream_dir.empty())
    r.fail("data.downstream_dir", nullptr,
           fmt::format("the directory of the {} files (downstream_dataset = \"{}\")", to_string(*d.downstream_dataset),
                       to_string(*d.downstream_dataset)));
  if (!d.downstream_dataset && !d.downstream_dir.empty())
    r.fail("data.downstream_dir", "\"\" unless data.downstream_dataset names the downstream data set");
  if (d.channels == 2) r.fail("data.channels", "0 (as stored), 1 (grey) or 3 (RGB)");
  if (d.stem != DeepStem::small && d.arch != DeepArch::resnet18)
    r.fail("model.stem", fmt::format("\"small\" for arch = \"{}\" (the \"imagenet\" stem is resnet18's, as in "
                                     "torchvision)", to_string(d.arch)));
  for (const auto& [s, t] : {std::pair{"upstream", &d.upstream}, std::pair{"downstream", &d.downstream}}) {
    const std::string stage = s;
    if (stage == "downstream" && t->task != DeepTask::classes)
      r.fail(stage + ".task", "\"classes\" (rotation prediction is an upstream pretext task)");
    if (!distinct(t->classes) || t->classes.size() < 2) r.fail(stage + ".classes", "at least two distinct classes");
  }
  if (d.select != DeepSelect::random && d.rule != DeepRule::channel)
    r.fail("transfer.select", "\"random\" unless rule = \"channel\" (it picks channels)");
  if (!distinct(d.alphas)) r.fail("transfer.alphas", "distinct values (each is one setting)");
  if (!distinct(d.blocks)) r.fail("transfer.blocks", "distinct values (each is one setting)");
  if (d.rule == DeepRule::blocks && d.blocks.empty())
    r.fail("transfer.blocks", nullptr, "a non-empty list of k values for rule = \"blocks\"");
  if (d.downstream.select_epoch == DeepEpochChoice::val && d.downstream.val_fraction == 0.0)
    r.fail("downstream.select_epoch", "\"last\" unless downstream.val_fraction > 0 (selection needs a validation set)");
  if (d.downstream.probe_epochs > d.downstream.epochs)
    r.fail("downstream.probe_epochs", fmt::format("at most downstream.epochs = {}", d.downstream.epochs));
  if (d.norm_matched && (d.shrink != 1.0 || d.perturb != 0.0))
    r.fail("transfer.norm_matched", "false with transfer.shrink or transfer.perturb (the control redraws the values "
                                    "they would mix)");
  if (d.freeze && d.rule != DeepRule::blocks)
    r.fail("transfer.freeze", "false unless rule = \"blocks\" (AnB freezes whole blocks)");
}

DeepSpec spec_of(const toml::table& table, const std::string& source,
                 std::map<std::string, std::string> set_by = {}) {
  check_keys(table, source);
  const Reader r{table, source, std::move(set_by)};
  DeepSpec d;
  for (const Key& k : schema())
    if (const toml::node* n = r.at(k.name))
      if (const std::string expected = k.read(*n, d); !expected.empty()) r.fail(k.name, n, expected);
  check_rules(d, r);
  return d;
}

std::string trim(const std::string& x) {
  const auto b = x.find_first_not_of(" \t");
  const auto e = x.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : x.substr(b, e - b + 1);
}

// --set section.key=value: applied to the parsed table, which is then validated as a whole
// (a message names the --set argument of a key set there, else the file's line).
DeepSpec apply_overrides(toml::table table, const std::string& source, const std::vector<std::string>& overrides) {
  std::map<std::string, std::string> set_by;
  for (const auto& o : overrides) {
    for (const char c : o)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
        throw core::InputError("--set: contains a line break or control character; expected one section.key=value");
    const auto eq = o.find('=');
    const auto dot = o.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq)
      throw core::InputError(fmt::format("--set {}: expected section.key=value, e.g. upstream.epochs=2", o));
    const std::string path = trim(o.substr(0, eq)), value = trim(o.substr(eq + 1));
    const Key* key = find_key(path);
    if (key == nullptr) throw core::InputError(unknown_key("--set " + o, path));
    std::optional<toml::table> maybe = try_parse_toml_value(value, "--set " + o);
    // A bare word is a string ("--set model.arch=vit").
    if (!maybe || (key->kind == Kind::choice && !(*maybe)["v"].is_string())) maybe = toml::table{{"v", value}};
    const toml::table& parsed = *maybe;
    const std::string section = section_of(path);
    if (!table.contains(section)) table.insert(section, toml::table{});
    auto* sec = table[section].as_table();
    if (sec == nullptr) throw core::InputError(fmt::format("--set {}: {} is not a section", o, section));
    sec->insert_or_assign(path.substr(section.size() + 1), *parsed["v"].node());
    set_by[path] = o;
  }
  // Validated in place: the file's keys keep their lines (a key set here has none).
  return spec_of(table, source, std::move(set_by));
}

}  // namespace

DeepSpec parse_deep_config(const std::string& text, const std::string& source_name) {
  return spec_of(parse_toml(text, source_name), source_name);
}

DeepSpec parse_deep_config(const std::string& text, const std::string& source_name,
                           const std::vector<std::string>& overrides) {
  return detail::deep_spec_from_table(parse_toml(text, source_name), source_name, overrides);
}

DeepSpec detail::deep_spec_from_table(toml::table table, const std::string& source_name,
                                      const std::vector<std::string>& overrides) {
  if (overrides.empty()) return spec_of(table, source_name);
  return apply_overrides(std::move(table), source_name, overrides);
}

DeepSpec load_deep_config(const std::string& path, const std::vector<std::string>& overrides) {
  return with_paths_resolved(parse_deep_config(detail::read_text(path), path, overrides), path, overrides);
}

DeepSpec with_paths_resolved(DeepSpec spec, const std::string& config_path, const std::vector<std::string>& overrides) {
  namespace fs = std::filesystem;
  const auto resolve = [&](std::string& value, const std::string& key) {
    if (value.empty() || fs::path(value).is_absolute()) return;
    const bool set_here = std::any_of(overrides.begin(), overrides.end(),
                                      [&](const std::string& o) { return trim(o.substr(0, o.find('='))) == key; });
    const fs::path base = set_here ? fs::path() : fs::path(config_path).parent_path();
    std::error_code ec;
    const fs::path absolute = fs::absolute(base / value, ec);
    if (!ec) value = absolute.lexically_normal().string();
  };
  resolve(spec.dir, "data.dir");
  resolve(spec.downstream_dir, "data.downstream_dir");
  resolve(spec.import_weights, "transfer.import");
  return spec;
}

DeepSpec with_overrides(const DeepSpec& spec, const std::vector<std::string>& overrides) {
  const std::string text = deep_canonical_toml(spec);
  return apply_overrides(parse_toml(text, "config"), "config", overrides);
}

std::string deep_canonical_toml(const DeepSpec& spec, bool comments) {
  std::string out, section;
  for (const Key& k : schema()) {
    const std::string s = section_of(k.name);
    if (s != section) {
      out += fmt::format("{}[{}]\n", section.empty() ? "" : "\n", s);
      section = s;
    }
    if (!comments && k.unhashed && k.unhashed(spec)) continue;
    const std::string line = fmt::format("{} = {}", k.name.substr(s.size() + 1), k.write(spec));
    out += comments ? fmt::format("{:<24} # {} ({})\n", line, k.comment, k.expected) : line + "\n";
  }
  return out;
}

std::string deep_run_hash(const DeepSpec& spec) {
  DeepSpec s = spec;
  s.seeds = 1;
  s.seed = 0;
  s.threads = 0;
  s.device = DeepDevice::automatic;
  return fmt::format("{:016x}", core::fnv1a(deep_canonical_toml(s), core::kDeepHashBasis));
}

DeepSpec at_setting(const DeepSpec& spec, double setting) {
  DeepSpec s = spec;
  if (s.rule == DeepRule::blocks) s.blocks = {static_cast<int>(setting)};
  else s.alphas = {setting};
  return s;
}

std::vector<double> deep_settings(const DeepSpec& spec) {
  if (spec.rule == DeepRule::blocks) return {spec.blocks.begin(), spec.blocks.end()};
  return spec.alphas;
}

std::string deep_setting_key(const DeepSpec& spec) {
  return spec.rule == DeepRule::blocks ? "transfer.k" : "transfer.alpha";
}

const std::vector<DeepKeyInfo>& deep_config_keys() {
  static const std::vector<DeepKeyInfo> keys = [] {
    std::vector<DeepKeyInfo> out;
    for (const Key& k : schema()) out.push_back({k.name, k.kind});
    return out;
  }();
  return keys;
}

std::optional<std::string> deep_key_suggestion(const std::string& path) {
  std::vector<std::string> paths;
  for (const Key& k : schema()) paths.push_back(k.name);
  return detail::closest_key(path, paths);
}

bool is_deep_config(const std::string& path) {
  // Deep and theory configs share section names ([data], [model], …) but not every key: a file is
  // deep when the theory reader rejects it and one of its keys exists only in deep configs (so a
  // deep config with a bad value still gets the deep reader's message).
  toml::table t;
  try {
    t = parse_toml(detail::read_text(path), path);
    detail::spec_from_table(t, path, true);
    return false;
  } catch (const core::InputError&) {
  }
  const auto theory_keys = config_keys();
  for (const auto& [section, node] : t) {
    const auto* table = node.as_table();
    if (table == nullptr) continue;
    for (const auto& [key, value] : *table) {
      const std::string path_key = std::string(section.str()) + "." + std::string(key.str());
      if (find_key(path_key) != nullptr &&
          std::find(theory_keys.begin(), theory_keys.end(), path_key) == theory_keys.end())
        return true;
    }
  }
  return false;
}

}  // namespace ptlab::experiment
