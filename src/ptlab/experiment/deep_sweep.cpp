#include "ptlab/experiment/deep_sweep.hpp"

#include <fmt/format.h>

#include <sstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/detail/axis.hpp"
#include "ptlab/experiment/detail/toml_config.hpp"

namespace ptlab::experiment {

KeyType deep_key_type(const std::string& key) {
  const auto dot = key.find('.');
  const std::string section = key.substr(0, dot == std::string::npos ? 0 : dot);
  const std::string name = dot == std::string::npos ? key : key.substr(dot + 1);
  if (section == "upstream" || section == "downstream") {
    if (name == "per_class" || name == "epochs" || name == "batch_size" || name == "eval_every") return KeyType::integer;
    if (name == "label_noise" || name == "input_noise" || name == "lr" || name == "weight_decay") return KeyType::number;
    if (name == "augment") return KeyType::boolean;
    if (name == "optimizer" || name == "task") return KeyType::choice;
  }
  if (key == "data.dataset" || key == "model.arch" || key == "transfer.rule" || key == "transfer.select" ||
      key == "data.dir" || key == "transfer.import")
    return KeyType::choice;
  if (key == "transfer.freeze") return KeyType::boolean;
  if (key == "run.seed" || key == "run.seeds" || key == "run.threads" || key == "run.device")
    throw core::InputError(fmt::format("sweep axis {}: run settings are not science; expected a key of [data], "
                                       "[upstream], [downstream], [model] or [transfer] (seeds: sweep.seeds)", key));
  throw core::InputError(fmt::format("sweep axis {}: not a deep config key that can vary; expected a single-valued key of "
                                     "configs/deep/fmnist_resnet.toml (transfer.alphas and transfer.blocks are "
                                     "swept by every point already)", key));
}

DeepSweepSpec parse_deep_sweep(const std::string& text, const std::string& source_name,
                               const std::vector<std::string>& overrides) {
  const toml::table table = detail::parse_toml(text, source_name);  // keeps source lines for messages
  const toml::table no_sweep;
  const bool has_sweep = table.contains("sweep");
  const toml::node* sweep_node = table.get("sweep");
  if (sweep_node != nullptr && !sweep_node->is_table())
    throw core::InputError(fmt::format("{}: sweep: expected a [sweep] table with [[sweep.axis]] entries", source_name));
  const toml::table& sweep = sweep_node != nullptr ? *sweep_node->as_table() : no_sweep;
  toml::table base_table = table;
  base_table.erase("sweep");
  std::ostringstream rest;
  rest << base_table;
  DeepSweepSpec out;
  // Line numbers of the base config refer to the file only when nothing was removed from it.
  const std::string base_name = !has_sweep ? source_name : source_name + " (without [sweep])";
  out.base = parse_deep_config(rest.str(), base_name, overrides);
  out.seeds = out.base.seeds;
  if (!has_sweep) return out;
  const auto problem = [&](const std::string& key, const std::string& value) {
    try {
      with_overrides(out.base, {key + "=" + value});
    } catch (const core::InputError& e) {
      // "config with --set:LINE: KEY: expected …" → "KEY: expected …" (the line is of no file)
      std::string why = e.what();
      if (why.rfind("config with --set:", 0) == 0) why = why.substr(why.find(": ") + 2);
      return fmt::format("{} = {}: {}", key, value, why);
    }
    return std::string();
  };
  auto table_values = detail::parse_sweep_table(sweep, source_name, 1000, deep_key_type, problem, overrides);
  if (table_values.seeds > 0) out.seeds = table_values.seeds;
  out.axes = std::move(table_values.axes);
  return out;
}

DeepSweepSpec load_deep_sweep(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_deep_sweep(detail::read_text(path), path, overrides);
}

std::vector<DeepGridPoint> deep_grid(const DeepSweepSpec& sweep) {
  std::vector<DeepGridPoint> points{DeepGridPoint{sweep.base, {}}};
  for (const Axis& axis : sweep.axes) {
    std::vector<DeepGridPoint> next;
    for (const DeepGridPoint& p : points)
      for (const auto& v : axis.values) {
        DeepGridPoint q{with_overrides(p.spec, {axis.key + "=" + v}), p.values};
        q.values.push_back(v);
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  for (DeepGridPoint& p : points) p.spec.seeds = sweep.seeds;
  return points;
}

}  // namespace ptlab::experiment
