#pragma once
// The JSON document of one deep experiment: summary.json of `ptlab deep --out DIR` and what
// `ptlab deep --format json` prints (one writer for both, as store/record_json.hpp for theory runs).
#include <nlohmann/json.hpp>

#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/store/record_json.hpp"

namespace ptlab::store {

/// {"schema_version", "kind": "deep", "config_hash" (deep_run_hash of the spec), "setting_key"
/// ("transfer.alpha" or "transfer.k"), "seeds": {"first", "count"}, "summary": per setting in
/// config order {"setting", "scratch", "transfer" (accuracies), "gain_points"}, each a stat_json
/// (mean, sd, 95% CI), "records": per (seed, setting) deep_record_json in the order they
/// finished, "wall_s", "threads", "device", "provenance"}. Curves are left out (curves.csv). With a
/// validation set (downstream.val_fraction > 0) each summary row adds "scratch_val" and
/// "transfer_val", and "chosen_on_validation" gives {"seeds", "settings", "gain_points"}:
/// experiment::choose_by_validation.
nlohmann::json deep_to_json(const experiment::DeepResult& result, const Provenance& provenance);

}  // namespace ptlab::store
