#include "ptlab/store/deep_json.hpp"

#include "ptlab/store/record_format.hpp"

namespace ptlab::store {

using nlohmann::json;

json deep_to_json(const experiment::DeepResult& result, const Provenance& provenance) {
  json records = json::array();
  for (const auto& r : result.records) records.push_back(deep_record_json(r));
  const bool validated = result.spec.downstream.val_fraction > 0;
  json summary = json::array();
  for (const auto& row : result.summary) {
    json s = {{"setting", row.setting},
              {"scratch", stat_json(row.scratch)},
              {"transfer", stat_json(row.transfer)},
              {"gain_points", stat_json(row.gain)}};
    if (validated) {
      s["scratch_val"] = stat_json(row.scratch_val);
      s["transfer_val"] = stat_json(row.transfer_val);
    }
    summary.push_back(std::move(s));
  }
  json out{
      {"schema_version", kSchemaVersion},
      {"kind", "deep"},
      {"config_hash", experiment::deep_run_hash(result.spec)},
      {"setting_key", experiment::deep_setting_key(result.spec)},
      {"seeds", json{{"first", result.spec.seed}, {"count", result.spec.seeds}}},
      {"summary", summary},
      {"records", records},
      {"wall_s", json_number(result.wall_s)},
      {"threads", result.threads},
      {"device", result.device},
      {"provenance", provenance_json(provenance)},
  };
  if (validated) {
    // The setting a practitioner would pick per seed on validation, and its test gain.
    const experiment::DeepValidationChoice c = experiment::choose_by_validation(result.records);
    out["chosen_on_validation"] = {{"seeds", c.seeds}, {"settings", c.settings}, {"gain_points", stat_json(c.gain)}};
  }
  return out;
}

}  // namespace ptlab::store
