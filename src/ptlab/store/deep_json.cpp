#include "ptlab/store/deep_json.hpp"

#include "ptlab/store/record_format.hpp"

namespace ptlab::store {

using nlohmann::json;

json deep_to_json(const experiment::DeepResult& result, const Provenance& provenance) {
  json records = json::array();
  for (const auto& r : result.records) records.push_back(deep_record_json(r));
  json summary = json::array();
  for (const auto& row : result.summary)
    summary.push_back({{"setting", row.setting},
                       {"scratch", stat_json(row.scratch)},
                       {"transfer", stat_json(row.transfer)},
                       {"gain_points", stat_json(row.gain)}});
  return json{
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
}

}  // namespace ptlab::store
