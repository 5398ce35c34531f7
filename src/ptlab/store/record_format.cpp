#include "ptlab/store/record_format.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "ptlab/store/record_json.hpp"
#include "ptlab/store/run_dir.hpp"

namespace ptlab::store {

using nlohmann::json;
using nlohmann::ordered_json;

json json_number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

double number_of(const json& j) { return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN(); }

namespace {

// Per-epoch validation accuracies (null where an epoch was not evaluated).
json val_curve(const std::vector<experiment::DeepEpoch>& curve) {
  json out = json::array();
  for (const auto& e : curve) out.push_back(json_number(e.val_accuracy));
  return out;
}

// A run's validation fields, present only for runs with a validation set: records stored before
// validation existed keep their shape, and readers take a missing field as NaN.
void add_validation(json& run, double val_accuracy, int epoch, const std::vector<experiment::DeepEpoch>& curve) {
  run["val_accuracy"] = json_number(val_accuracy);
  run["epoch"] = epoch;
  run["val_curve"] = val_curve(curve);
}

double optional_number(const json& j, const char* key) {
  return j.contains(key) ? number_of(j.at(key)) : std::numeric_limits<double>::quiet_NaN();
}

// The fields every deep record has.
json deep_record_core(const experiment::DeepRecord& r) {
  return {{"kind", "deep"},
          {"seed", r.seed},
          {"setting", r.setting},
          {"ntg", json_number(r.scratch_accuracy - r.transfer_accuracy)},
          {"gain_points", json_number(r.gain())},
          {"copied_fraction", json_number(r.copied_fraction)},
          {"wall_s", json_number(r.wall_s)},
          {"upstream", {{"test_accuracy", json_number(r.upstream_accuracy)}}},
          {"transfer", {{"test_accuracy", json_number(r.transfer_accuracy)},
                        {"test_error_true", json_number(1.0 - r.transfer_accuracy)}}},
          {"scratch", {{"test_accuracy", json_number(r.scratch_accuracy)},
                       {"test_error_true", json_number(1.0 - r.scratch_accuracy)}}}};
}

}  // namespace

json deep_record_json(const experiment::DeepRecord& r) {
  json out = deep_record_core(r);
  if (std::isfinite(r.transfer_val_accuracy) || std::isfinite(r.scratch_val_accuracy)) {
    add_validation(out["transfer"], r.transfer_val_accuracy, r.transfer_epoch, r.transfer_curve);
    add_validation(out["scratch"], r.scratch_val_accuracy, r.scratch_epoch, r.scratch_curve);
  }
  return out;
}

experiment::DeepRecord deep_record_of(const json& j) {
  experiment::DeepRecord r;
  r.seed = j.at("seed").get<std::uint64_t>();
  r.setting = number_of(j.at("setting"));
  r.upstream_accuracy = number_of(j.at("upstream").at("test_accuracy"));
  r.transfer_accuracy = number_of(j.at("transfer").at("test_accuracy"));
  r.scratch_accuracy = number_of(j.at("scratch").at("test_accuracy"));
  r.copied_fraction = number_of(j.at("copied_fraction"));
  r.wall_s = number_of(j.at("wall_s"));
  r.transfer_val_accuracy = optional_number(j.at("transfer"), "val_accuracy");
  r.scratch_val_accuracy = optional_number(j.at("scratch"), "val_accuracy");
  r.transfer_epoch = j.at("transfer").value("epoch", 0);
  r.scratch_epoch = j.at("scratch").value("epoch", 0);
  return r;
}

std::string deep_curves_rows(const experiment::DeepRecord& r) {
  std::string out;
  const auto phase = [&](const char* name, const std::vector<experiment::DeepEpoch>& curve) {
    for (const auto& e : curve) {
      // An epoch without evaluation (eval_every > 1) has empty test cells, as diverged values do.
      const std::string test = std::isfinite(e.test_accuracy) ? fmt::format("{}", 1.0 - e.test_accuracy) : "";
      out += fmt::format("{},{},{},{},{},{},{}\n", r.seed, name, e.epoch, e.train_loss, 1.0 - e.train_accuracy, test, test);
    }
  };
  phase("upstream", r.upstream_curve);
  phase("transfer", r.transfer_curve);
  phase("scratch", r.scratch_curve);
  return out;
}

experiment::EncodedRecord encode_record(const experiment::RunOutput& run) {
  if (const auto* e = std::get_if<experiment::EncodedRecord>(&run.record)) return *e;
  if (const auto* r = std::get_if<experiment::SeedRecord>(&run.record))
    return {r->valid() ? "done" : "diverged", record_json(*r).dump(), curves_rows(*r), dynamics_rows(*r)};
  if (const auto* d = std::get_if<experiment::DeepRecord>(&run.record))
    return {"done", deep_record_json(*d).dump(), deep_curves_rows(*d), ""};
  return {"failed", "{}", "", ""};
}

std::string point_json(const std::vector<std::pair<std::string, std::string>>& values) {
  ordered_json p = ordered_json::object();  // axis order, not alphabetical
  for (const auto& [key, literal] : values) p[key] = ordered_json::parse(literal);
  return p.dump();
}

RunRow row_of(const experiment::RunOutput& run, const std::string& provenance) {
  experiment::EncodedRecord e = encode_record(run);
  return RunRow{run.run_hash,        run.seed,   std::move(e.status), point_json(run.values), run.config,
                std::move(e.record), std::move(e.curves), provenance, run.error, std::move(e.dynamics)};
}

experiment::RunCodec run_codec() {
  experiment::RunCodec codec;
  codec.encode = [](const experiment::RunOutput& run) {
    const experiment::EncodedRecord e = encode_record(run);
    json values = json::array();
    for (const auto& [k, v] : run.values) values.push_back({k, v});
    return json{{"point", run.point},   {"setting", run.setting}, {"run_hash", run.run_hash}, {"seed", run.seed},
                {"values", values},     {"config", run.config},   {"error", run.error},       {"status", e.status},
                {"record", e.record},   {"curves", e.curves},     {"dynamics", e.dynamics}}
        .dump();
  };
  codec.decode = [](const std::string& text) {
    const json j = json::parse(text);
    experiment::RunOutput run;
    run.point = j.at("point").get<int>();
    run.setting = j.at("setting").get<int>();
    run.run_hash = j.at("run_hash").get<std::string>();
    run.seed = j.at("seed").get<std::uint64_t>();
    for (const auto& kv : j.at("values")) run.values.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
    run.config = j.at("config").get<std::string>();
    run.error = j.at("error").get<std::string>();
    run.record = experiment::EncodedRecord{j.at("status").get<std::string>(), j.at("record").get<std::string>(),
                                           j.at("curves").get<std::string>(), j.at("dynamics").get<std::string>()};
    return run;
  };
  return codec;
}

}  // namespace ptlab::store
