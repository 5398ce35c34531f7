#include "ptlab/experiment/deep_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/experiment/detail/toml_config.hpp"

namespace ptlab::experiment {
namespace {

struct Reader {
  const toml::table& root;
  std::string source;

  [[noreturn]] void fail(const std::string& key, const toml::node* node, const std::string& expected) const {
    const int line = node != nullptr ? static_cast<int>(node->source().begin.line) : 0;
    throw core::InputError(fmt::format("{}{}: {}: expected {}", source, line > 0 ? fmt::format(":{}", line) : "", key,
                                       expected));
  }
  const toml::node* at(const std::string& key) const { return root.at_path(key).node(); }
  void number(const std::string& key, double& out, double lo, double hi, bool hi_open = false) const {
    const toml::node* n = at(key);
    if (n == nullptr) return;
    const auto v = n->value<double>();
    if (!v || !(*v >= lo && (hi_open ? *v < hi : *v <= hi)))
      fail(key, n, fmt::format("a number in [{}, {}{}", lo, hi, hi_open ? ")" : "]"));
    out = *v;
  }
  void integer(const std::string& key, int& out, int lo, int hi) const {
    const toml::node* n = at(key);
    if (n == nullptr) return;
    const auto v = n->as_integer();
    if (v == nullptr || v->get() < lo || v->get() > hi) fail(key, n, fmt::format("an integer in [{}, {}]", lo, hi));
    out = static_cast<int>(v->get());
  }
  void boolean(const std::string& key, bool& out) const {
    const toml::node* n = at(key);
    if (n == nullptr) return;
    if (!n->is_boolean()) fail(key, n, "true or false");
    out = n->as_boolean()->get();
  }
  void choice(const std::string& key, std::string& out, const std::vector<std::string>& choices) const {
    const toml::node* n = at(key);
    if (n == nullptr) return;
    const auto v = n->value<std::string>();
    if (!v || std::find(choices.begin(), choices.end(), *v) == choices.end())
      fail(key, n, fmt::format("one of \"{}\"", fmt::join(choices, "\", \"")));
    out = *v;
  }
  void text(const std::string& key, std::string& out) const {
    const toml::node* n = at(key);
    if (n == nullptr) return;
    if (!n->is_string()) fail(key, n, "a string");
    out = n->as_string()->get();
  }
  template <class T>
  void list(const std::string& key, std::vector<T>& out, double lo, double hi, bool allow_empty = false) const {
    const toml::node* n = at(key);
    if (n == nullptr) return;
    const auto* a = n->as_array();
    if (a == nullptr || (a->empty() && !allow_empty))
      fail(key, n, fmt::format("a non-empty array of values in [{}, {}]", lo, hi));
    out.clear();
    for (const auto& e : *a) {
      const auto v = e.value<double>();
      if (!v || *v < lo || *v > hi || (std::is_integral_v<T> && !e.is_integer()))
        fail(key, n, fmt::format("a non-empty array of {} in [{}, {}]", std::is_integral_v<T> ? "integers" : "numbers", lo, hi));
      out.push_back(static_cast<T>(*v));
    }
  }
};

void train_keys(const Reader& r, const std::string& s, DeepTrainSpec& t) {
  r.choice(s + ".task", t.task, {"classes", "rotation"});
  if (s == "downstream" && t.task != "classes")
    r.fail(s + ".task", r.at(s + ".task"), "\"classes\" (rotation prediction is an upstream pretext task)");
  r.list(s + ".classes", t.classes, 0, 99);
  r.integer(s + ".per_class", t.per_class, 0, 1000000);
  r.number(s + ".label_noise", t.label_noise, 0, 1, true);
  r.number(s + ".input_noise", t.input_noise, 0, 100);
  r.choice(s + ".optimizer", t.optimizer, {"sgd", "adamw"});
  r.number(s + ".lr", t.lr, 1e-8, 10);
  r.number(s + ".weight_decay", t.weight_decay, 0, 1);
  r.integer(s + ".epochs", t.epochs, 1, 10000);
  r.integer(s + ".batch_size", t.batch_size, 1, 65536);
  r.boolean(s + ".augment", t.augment);
  r.integer(s + ".eval_every", t.eval_every, 1, 10000);
  const std::set<int> distinct(t.classes.begin(), t.classes.end());
  if (distinct.size() != t.classes.size() || t.classes.size() < 2)
    r.fail(s + ".classes", r.at(s + ".classes"), "at least two distinct classes");
}

const std::set<std::string> kKeys = {
    "data.dataset", "data.dir", "model.arch", "transfer.rule", "transfer.alphas", "transfer.blocks", "transfer.freeze",
    "transfer.import", "transfer.select", "run.seeds", "run.seed", "run.threads", "run.device"};
const std::set<std::string> kTrainKeys = {"task", "classes", "per_class", "label_noise", "input_noise", "optimizer", "lr",
                                          "weight_decay", "epochs", "batch_size", "augment", "eval_every"};

void check_keys(const toml::table& t, const std::string& source) {
  for (const auto& [section, node] : t) {
    const std::string s(section.str());
    const auto* table = node.as_table();
    static const std::set<std::string> sections = {"data", "upstream", "downstream", "model", "transfer", "run"};
    if (table == nullptr || sections.count(s) == 0)
      throw core::InputError(fmt::format("{}:{}: {}: expected a section [data], [upstream], [downstream], [model], "
                                         "[transfer] or [run]", source, node.source().begin.line, s));
    for (const auto& [key, value] : *table) {
      const std::string k(key.str());
      const bool train = (s == "upstream" || s == "downstream") && kTrainKeys.count(k) != 0;
      if (!train && kKeys.count(s + "." + k) == 0)
        throw core::InputError(fmt::format("{}:{}: unknown key '{}.{}'; expected a key of "
                                           "configs/deep/fmnist_resnet.toml, which lists them all", source, value.source().begin.line, s, k));
    }
  }
}

}  // namespace

DeepSpec parse_deep_config(const std::string& text, const std::string& source_name) {
  const toml::table table = detail::parse_toml(text, source_name);
  check_keys(table, source_name);
  const Reader r{table, source_name};
  DeepSpec d;
  r.choice("data.dataset", d.dataset, {"fashion-mnist", "idx", "cifar10", "cifar100"});
  r.text("data.dir", d.dir);
  if (d.dataset != "fashion-mnist" && d.dir.empty())
    r.fail("data.dir", nullptr, fmt::format("the directory of the {} files (dataset = \"{}\")", d.dataset, d.dataset));
  train_keys(r, "upstream", d.upstream);
  train_keys(r, "downstream", d.downstream);
  r.choice("model.arch", d.arch, {"resnet8", "resnet20", "resnet18", "vgg11", "vgg16", "vit"});
  r.choice("transfer.rule", d.rule, {"channel", "entry", "blocks"});
  r.choice("transfer.select", d.select, {"random", "activation"});
  if (d.select != "random" && d.rule != "channel")
    r.fail("transfer.select", r.at("transfer.select"), "\"random\" unless rule = \"channel\" (it picks channels)");
  r.list("transfer.alphas", d.alphas, 0, 1);
  r.list("transfer.blocks", d.blocks, 0, 1000, true);
  const auto distinct = [&](const char* key, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    if (std::adjacent_find(v.begin(), v.end()) != v.end()) r.fail(key, r.at(key), "distinct values (each is one setting)");
  };
  distinct("transfer.alphas", d.alphas);
  distinct("transfer.blocks", std::vector<double>(d.blocks.begin(), d.blocks.end()));
  r.boolean("transfer.freeze", d.freeze);
  r.text("transfer.import", d.import_weights);
  if (d.rule == "blocks" && d.blocks.empty())
    r.fail("transfer.blocks", nullptr, "a non-empty list of k values for rule = \"blocks\"");
  if (d.freeze && d.rule != "blocks")
    r.fail("transfer.freeze", r.at("transfer.freeze"), "false unless rule = \"blocks\" (AnB freezes whole blocks)");
  r.integer("run.seeds", d.seeds, 1, 1000);
  int seed = 0;
  r.integer("run.seed", seed, 0, 1000000000);
  d.seed = static_cast<std::uint64_t>(seed);
  r.integer("run.threads", d.threads, 0, 1024);
  r.choice("run.device", d.device, {"auto", "cpu", "cuda"});
  return d;
}

namespace {

// --set section.key=value: applied to the parsed table, which is then validated as a whole
// (line numbers then refer to the merged text, so messages name "SOURCE with --set").
DeepSpec apply_overrides(toml::table table, const std::string& source, const std::vector<std::string>& overrides) {
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    const auto dot = o.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq)
      throw core::InputError(fmt::format("--set {}: expected section.key=value, e.g. upstream.epochs=2", o));
    const std::string section = o.substr(0, dot), key = o.substr(dot + 1, eq - dot - 1), value = o.substr(eq + 1);
    toml::table parsed;
    try {
      parsed = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
      parsed = toml::table{{"v", value}};  // a bare word is a string
    }
    if (!table.contains(section)) table.insert(section, toml::table{});
    auto* sec = table[section].as_table();
    if (sec == nullptr) throw core::InputError(fmt::format("--set {}: {} is not a section", o, section));
    sec->insert_or_assign(key, *parsed["v"].node());
  }
  std::ostringstream out;
  out << table;
  return parse_deep_config(out.str(), overrides.empty() ? source : source + " with --set");
}

std::string numbers(const std::vector<double>& v) {
  std::string out;
  for (const double x : v) out += (out.empty() ? "" : ", ") + fmt::format("{}", x);
  return "[" + out + "]";
}

std::string quoted(const std::string& s) {
  std::ostringstream out;
  out << toml::value<std::string>(s);  // TOML escaping
  return out.str();
}

std::string train_section(const std::string& name, const DeepTrainSpec& t) {
  return fmt::format(
      "[{}]\ntask = \"{}\"\nclasses = [{}]\nper_class = {}\nlabel_noise = {}\ninput_noise = {}\noptimizer = \"{}\"\n"
      "lr = {}\nweight_decay = {}\nepochs = {}\nbatch_size = {}\naugment = {}\neval_every = {}\n\n",
      name, t.task, fmt::join(t.classes, ", "), t.per_class, t.label_noise, t.input_noise, t.optimizer, t.lr,
      t.weight_decay, t.epochs, t.batch_size, t.augment, t.eval_every);
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

DeepSpec parse_deep_config(const std::string& text, const std::string& source_name,
                           const std::vector<std::string>& overrides) {
  if (overrides.empty()) return parse_deep_config(text, source_name);
  return apply_overrides(detail::parse_toml(text, source_name), source_name, overrides);
}

DeepSpec load_deep_config(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_deep_config(detail::read_text(path), path, overrides);
}

DeepSpec with_overrides(const DeepSpec& spec, const std::vector<std::string>& overrides) {
  const std::string text = deep_canonical_toml(spec);
  return apply_overrides(detail::parse_toml(text, "config"), "config", overrides);
}

std::string deep_canonical_toml(const DeepSpec& d) {
  std::string out = fmt::format("[data]\ndataset = \"{}\"\ndir = {}\n\n", d.dataset, quoted(d.dir));
  out += train_section("upstream", d.upstream);
  out += train_section("downstream", d.downstream);
  out += fmt::format("[model]\narch = \"{}\"\n\n", d.arch);
  std::vector<double> blocks(d.blocks.begin(), d.blocks.end());
  out += fmt::format("[transfer]\nrule = \"{}\"\nselect = \"{}\"\nalphas = {}\nblocks = {}\nfreeze = {}\nimport = {}\n\n",
                     d.rule, d.select, numbers(d.alphas), numbers(blocks), d.freeze, quoted(d.import_weights));
  out += fmt::format("[run]\nseeds = {}\nseed = {}\nthreads = {}\ndevice = \"{}\"\n", d.seeds, d.seed, d.threads,
                     d.device);
  return out;
}

std::string deep_run_hash(const DeepSpec& spec) {
  DeepSpec s = spec;
  s.seeds = 1;
  s.seed = 0;
  s.threads = 0;
  s.device = "auto";
  return fmt::format("{:016x}", fnv1a(deep_canonical_toml(s)));
}

DeepSpec at_setting(const DeepSpec& spec, double setting) {
  DeepSpec s = spec;
  if (s.rule == "blocks") s.blocks = {static_cast<int>(setting)};
  else s.alphas = {setting};
  return s;
}

bool is_deep_config(const std::string& path) {
  // Deep and theory configs share section names ([data], [model], …) but not every key: a file is
  // deep when the theory reader rejects it and one of its keys exists only in deep configs (so a
  // deep config with a bad value still gets the deep reader's message).
  toml::table t;
  try {
    t = detail::parse_toml(detail::read_text(path), path);
    detail::spec_from_table(t, path, true);
    return false;
  } catch (const core::InputError&) {
  }
  const auto theory_keys = config_keys();
  for (const auto& [section, node] : t) {
    const auto* table = node.as_table();
    if (table == nullptr) continue;
    for (const auto& [key, value] : *table) {
      const std::string s(section.str()), k(key.str()), path_key = s + "." + k;
      const bool deep = kKeys.count(path_key) != 0 || ((s == "upstream" || s == "downstream") && kTrainKeys.count(k) != 0);
      if (deep && std::find(theory_keys.begin(), theory_keys.end(), path_key) == theory_keys.end()) return true;
    }
  }
  return false;
}

}  // namespace ptlab::experiment
