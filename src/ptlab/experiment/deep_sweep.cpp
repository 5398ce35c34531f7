#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/experiment/runner.hpp"

#include <fmt/format.h>

#include <set>
#include <algorithm>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_inputs.hpp"
#include "ptlab/experiment/detail/axis.hpp"
#include "ptlab/experiment/detail/toml_config.hpp"

namespace ptlab::experiment {

KeyType deep_key_type(const std::string& key) {
  // From the deep schema: run settings are not science; lists are swept by every point already.
  const auto& keys = deep_config_keys();
  const auto it = std::find_if(keys.begin(), keys.end(), [&](const DeepKeyInfo& k) { return k.path == key; });
  if (it != keys.end() && key.rfind("run.", 0) == 0)
    throw core::InputError(fmt::format("sweep axis {}: run settings are not science; expected a key of [data], "
                                       "[upstream], [downstream], [model] or [transfer] (seeds: sweep.seeds)", key));
  if (it != keys.end()) switch (it->kind) {
      case DeepKeyKind::integer: return KeyType::integer;
      case DeepKeyKind::number: return KeyType::number;
      case DeepKeyKind::boolean: return KeyType::boolean;
      case DeepKeyKind::choice:
      case DeepKeyKind::text: return KeyType::choice;
      case DeepKeyKind::integer_list:
      case DeepKeyKind::number_list: break;
    }
  const auto suggestion = it == keys.end() ? deep_key_suggestion(key) : std::nullopt;
  throw core::InputError(fmt::format("sweep axis {}: not a deep config key that can vary; expected a single-valued key of "
                                     "configs/deep/fmnist_resnet.toml (transfer.alphas and transfer.blocks are "
                                     "swept by every point already){}", key,
                                     suggestion ? fmt::format("; did you mean '{}'?", *suggestion) : ""));
}

DeepSweepSpec parse_deep_sweep(const std::string& text, const std::string& source_name,
                               const std::vector<std::string>& overrides) {
  const toml::table table = parse_toml(text, source_name);  // keeps source lines for messages
  const toml::table no_sweep;
  const bool has_sweep = table.contains("sweep");
  const toml::node* sweep_node = table.get("sweep");
  if (sweep_node != nullptr && !sweep_node->is_table())
    throw core::InputError(fmt::format("{}: sweep: expected a [sweep] table with [[sweep.axis]] entries", source_name));
  const toml::table& sweep = sweep_node != nullptr ? *sweep_node->as_table() : no_sweep;
  // The base config is the file without [sweep], parsed again rather than copied: toml++ drops the
  // source lines on copies, and messages name the file's lines.
  toml::table base_table = parse_toml(text, source_name);
  base_table.erase("sweep");
  DeepSweepSpec out;
  out.base = detail::deep_spec_from_table(std::move(base_table), source_name, overrides);
  out.seeds = out.base.seeds;
  if (!has_sweep) return out;
  const auto problem = [&](const std::string& key, const std::string& value) {
    try {
      with_overrides(out.base, {key + "=" + value});
    } catch (const core::InputError& e) {
      // "--set KEY=VALUE: KEY: expected …" or "config:LINE: OTHER: expected …" → "KEY: expected …"
      // (the value is said here, and the line is of no file)
      std::string why = e.what();
      if (why.rfind("--set ", 0) == 0 || why.rfind("config:", 0) == 0) why = why.substr(why.find(": ") + 2);
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
  DeepSweepSpec out = parse_deep_sweep(detail::read_text(path), path, overrides);
  out.base = with_paths_resolved(std::move(out.base), path, overrides);
  return out;
}

std::vector<DeepGridPoint> deep_grid(const DeepSweepSpec& sweep) {
  return grid_of(sweep.base, sweep.axes, sweep.seeds, [](const DeepSpec& spec, const std::string& key, const std::string& v) {
    return with_overrides(spec, {key + "=" + v});
  });
}

StudyKey study_key(const DeepSweepSpec& sweep) {
  DeepSpec base = sweep.base;  // the settings are left out: a study grows by settings
  base.alphas.clear();
  base.blocks.clear();
  StudyKey key{StudyKey::Kind::deep, "deep:" + deep_run_hash(base) + " axes:", {}};
  for (const auto& a : sweep.axes) {
    key.id += " " + a.key;
    key.axes.push_back(a.key);
  }
  key.axes.push_back(deep_setting_key(sweep.base));
  key.inputs = deep_inputs_fingerprint(sweep.base);
  return key;
}

std::vector<DeepPointResult> deep_point_results(const DeepSweepSpec& sweep,
                                                const std::vector<std::pair<std::string, DeepRecord>>& records,
                                                const DeepSweepOutcome& outcome) {
  std::vector<DeepPointResult> out;
  const auto points = deep_grid(sweep);
  for (std::size_t p = 0; p < points.size(); ++p) {
    const DeepSpec& spec = points[p].spec;
    std::set<std::string> hashes;
    for (const double s : deep_settings(spec)) hashes.insert(deep_run_hash(at_setting(spec, s)));
    DeepPointResult r{points[p].values, {}};
    r.result.spec = spec;
    for (const auto& [hash, record] : records)
      if (hashes.count(hash) && record.seed >= spec.seed && record.seed < spec.seed + static_cast<std::uint64_t>(spec.seeds))
        r.result.records.push_back(record);
    r.result.summary = summarize_deep(spec, r.result.records);
    r.result.threads = outcome.threads;
    r.result.device = outcome.device;
    r.result.wall_s = p < outcome.wall_s.size() ? outcome.wall_s[p] : 0.0;
    r.result.transfer_report = outcome.transfer_report;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::pair<std::string, DeepRecord>> deep_records(const MemorySink& sink) {
  std::vector<std::pair<std::string, DeepRecord>> out;
  for (const RunOutput& run : sink.runs())
    if (const auto* r = std::get_if<DeepRecord>(&run.record)) out.emplace_back(run.run_hash, *r);
  return out;
}

}  // namespace ptlab::experiment
