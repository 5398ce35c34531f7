#include "ptlab/store/deep_study.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "ptlab/core/error.hpp"

namespace ptlab::store {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

json num(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }
double num_of(const json& j) { return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN(); }

std::string setting_key(const experiment::DeepSpec& spec) {
  return spec.rule == "blocks" ? "transfer.k" : "transfer.alpha";
}

// The settings (alphas or k) are left out: a study grows by settings as it grows by seeds.
std::string study_id(const experiment::DeepSweepSpec& sweep) {
  experiment::DeepSpec base = sweep.base;
  base.alphas.clear();
  base.blocks.clear();
  std::string id = "deep:" + experiment::deep_run_hash(base) + " axes:";
  for (const auto& a : sweep.axes) id += " " + a.key;
  return id;
}

Study open_for_deep(const experiment::DeepSweepSpec& sweep, const std::string& path, const Provenance& provenance) {
  Study study = Study::open(path);
  const std::string id = study_id(sweep);
  const auto stored = study.meta("study_id");
  if (stored && stored->rfind("deep:", 0) != 0)
    throw core::InputError(fmt::format("{}: holds theory runs; expected a new --store for deep runs", path));
  if (stored && *stored != id)
    throw core::InputError(fmt::format("{}: holds another deep experiment (base config {}); expected the same base "
                                       "config and axes, or a new --store", path, stored->substr(5, 16)));
  if (!study.rows().empty() && !stored)
    throw core::InputError(fmt::format("{}: holds runs of an unidentified sweep; expected a new --store", path));
  study.set_meta("study_id", id);
  study.set_meta("kind", "deep");
  if (!study.meta("created_utc")) study.set_meta("created_utc", provenance.started_utc);
  study.set_meta("ptlab_version", provenance.build.version);
  json axes = json::array();
  for (const auto& a : sweep.axes) axes.push_back(a.key);
  axes.push_back(setting_key(sweep.base));
  study.set_meta("axes", axes.dump());
  return study;
}

std::string point_json(const experiment::DeepSweepSpec& sweep, const experiment::DeepGridPoint& point, double setting) {
  ordered_json p = ordered_json::object();  // axis order, not alphabetical
  for (std::size_t a = 0; a < sweep.axes.size(); ++a) p[sweep.axes[a].key] = ordered_json::parse(point.values[a]);
  p[setting_key(point.spec)] = setting;
  return p.dump();
}

// A checkpoint directory that exists or can be created, and takes files.
void check_checkpoints(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path probe = fs::path(dir) / ".ptlab-write-test";
  {
    std::ofstream out(probe);
    out << "x";
    if (!out || ec)
      throw core::InputError(fmt::format("--checkpoints {}: cannot create or write files there ({}); expected a "
                                         "writable directory", dir, ec ? ec.message() : std::string("write failed")));
  }
  fs::remove(probe, ec);
}

// Everything that can be checked before anything trains or is stored (experiment::check_deep).
std::vector<experiment::DeepGridPoint> checked_grid(const experiment::DeepSweepSpec& sweep, const DeepStudyOptions& options) {
  auto points = experiment::deep_grid(sweep);
  for (const auto& p : points) experiment::check_deep(p.spec);
  check_checkpoints(options.checkpoints);
  return points;
}

DeepStudyResult run(const experiment::DeepSweepSpec& sweep, const std::vector<experiment::DeepGridPoint>& points,
                    Study* study, const DeepStudyOptions& options) {
  const std::string provenance = provenance_json(options.provenance).dump();
  const auto finished = study != nullptr ? study->finished() : std::set<std::pair<std::string, std::uint64_t>>{};
  DeepStudyResult out;
  for (const auto& a : sweep.axes) out.axes.push_back(a.key);
  for (const auto& point : points) {
    if (options.point_started) options.point_started(static_cast<int>(out.points.size()), static_cast<int>(points.size()));
    std::map<double, std::string> hashes;
    const auto& settings = point.spec.rule == "blocks" ? std::vector<double>(point.spec.blocks.begin(), point.spec.blocks.end())
                                                       : point.spec.alphas;
    for (const double s : settings) hashes[s] = experiment::deep_run_hash(experiment::at_setting(point.spec, s));
    out.total += static_cast<int>(settings.size()) * point.spec.seeds;
    experiment::DeepRunOptions run_options{.checkpoints = options.checkpoints, .message = options.message,
                                           .batches = options.batches};
    run_options.skip = [&](std::uint64_t seed, double setting) {
      const bool skip = finished.count({hashes.at(setting), seed}) > 0;
      out.skipped += skip;
      return skip;
    };
    run_options.on_record = [&](const experiment::DeepRecord& r) {
      ++out.ran;
      if (study == nullptr) return;
      study->put(RunRow{hashes.at(r.setting), r.seed, "done", point_json(sweep, point, r.setting),
                        experiment::deep_canonical_toml(experiment::at_setting(point.spec, r.setting)),
                        deep_record_json(r).dump(), deep_curves_rows(r), provenance, "", ""});
    };
    DeepPointResult p{point.values, experiment::run_deep(point.spec, run_options)};
    if (study != nullptr) {  // the table covers every stored record of the point, earlier ones too
      std::vector<experiment::DeepRecord> records;
      std::set<std::string> wanted;
      for (const auto& [s, h] : hashes) wanted.insert(h);
      for (const RunRow& row : study->rows())
        if (wanted.count(row.run_hash) && row.status == "done" && row.seed >= point.spec.seed &&
            row.seed < point.spec.seed + static_cast<std::uint64_t>(point.spec.seeds))
          records.push_back(deep_record_of(json::parse(row.record)));
      p.result.records = records;
      p.result.summary = experiment::summarize_deep(point.spec, records);
    }
    out.points.push_back(std::move(p));
  }
  return out;
}

}  // namespace

bool is_deep_study(const Study& study) { return study.meta("kind") == std::optional<std::string>("deep"); }

nlohmann::json deep_record_json(const experiment::DeepRecord& r) {
  return {{"kind", "deep"},
          {"seed", r.seed},
          {"setting", r.setting},
          {"ntg", num(r.scratch_accuracy - r.transfer_accuracy)},
          {"gain_points", num(r.gain())},
          {"copied_fraction", num(r.copied_fraction)},
          {"wall_s", num(r.wall_s)},
          {"upstream", {{"test_accuracy", num(r.upstream_accuracy)}}},
          {"transfer", {{"test_accuracy", num(r.transfer_accuracy)}, {"test_error_true", num(1.0 - r.transfer_accuracy)}}},
          {"scratch", {{"test_accuracy", num(r.scratch_accuracy)}, {"test_error_true", num(1.0 - r.scratch_accuracy)}}}};
}

experiment::DeepRecord deep_record_of(const nlohmann::json& j) {
  experiment::DeepRecord r;
  r.seed = j.at("seed").get<std::uint64_t>();
  r.setting = num_of(j.at("setting"));
  r.upstream_accuracy = num_of(j.at("upstream").at("test_accuracy"));
  r.transfer_accuracy = num_of(j.at("transfer").at("test_accuracy"));
  r.scratch_accuracy = num_of(j.at("scratch").at("test_accuracy"));
  r.copied_fraction = num_of(j.at("copied_fraction"));
  r.wall_s = num_of(j.at("wall_s"));
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

DeepStudyResult run_deep_study(const experiment::DeepSweepSpec& sweep, const std::string& path,
                               const DeepStudyOptions& options) {
  const auto points = checked_grid(sweep, options);  // before the store file exists
  Study study = open_for_deep(sweep, path, options.provenance);
  return run(sweep, points, &study, options);
}

DeepStudyResult run_deep_sweep(const experiment::DeepSweepSpec& sweep, const DeepStudyOptions& options) {
  return run(sweep, checked_grid(sweep, options), nullptr, options);
}

}  // namespace ptlab::store
