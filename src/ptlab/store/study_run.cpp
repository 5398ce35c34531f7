#include "ptlab/store/study_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"
#include "ptlab/store/detail/sweep_rows.hpp"
#include "ptlab/store/run_dir.hpp"

namespace ptlab::store {
namespace {

using nlohmann::json;

nlohmann::ordered_json point_json(const experiment::SweepSpec& sweep, const experiment::GridPoint& point) {
  nlohmann::ordered_json p = nlohmann::ordered_json::object();  // axis order, not alphabetical
  for (std::size_t a = 0; a < sweep.axes.size(); ++a) p[sweep.axes[a].key] = nlohmann::ordered_json::parse(point.values[a]);
  return p;
}

double value_or_nan(const json& j) { return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN(); }

}  // namespace

std::vector<PointSummary> summarize_points(const Study& study) {
  std::vector<std::string> order;
  std::map<std::string, PointSummary> points;
  std::map<std::string, std::vector<json>> done;
  for (const RunRow& row : study.rows()) {
    auto [it, fresh] = points.try_emplace(row.run_hash);
    PointSummary& p = it->second;
    if (fresh) {
      order.push_back(row.run_hash);
      p.run_hash = row.run_hash;
      const auto point = nlohmann::ordered_json::parse(row.point);  // a named value: items() refers into it
      for (const auto& [key, value] : point.items()) p.values.push_back(value.dump());
    }
    if (row.status == "done") {
      ++p.done;
      done[row.run_hash].push_back(json::parse(row.record));
    } else if (row.status == "diverged") {
      ++p.diverged;
    } else {
      ++p.failed;
    }
  }
  std::vector<PointSummary> out;
  for (const auto& hash : order) {
    PointSummary p = points[hash];
    std::vector<double> ntg, tr, sc;
    for (const json& r : done[hash]) {
      ntg.push_back(value_or_nan(r["ntg"]));
      tr.push_back(value_or_nan(r["transfer"]["test_error_true"]));
      sc.push_back(value_or_nan(r["scratch"]["test_error_true"]));
    }
    p.ntg = experiment::summarize(ntg);
    p.transfer_test_error_true = experiment::summarize(tr);
    p.scratch_test_error_true = experiment::summarize(sc);
    out.push_back(std::move(p));
  }
  return out;
}

namespace detail {

RunOutcome outcome_of(const experiment::SeedRecord* record, const std::string& error) {
  if (record == nullptr) return {"failed", "{}", "", error};
  return {record->valid() ? "done" : "diverged", record_json(*record).dump(), curves_rows(*record), "",
          dynamics_rows(*record)};
}

RunRow sweep_row(const experiment::SweepSpec& sweep, const experiment::GridPoint& point, const std::string& run_hash,
                 std::uint64_t seed, const std::string& provenance, RunOutcome outcome) {
  return RunRow{run_hash,
                seed,
                std::move(outcome.status),
                point_json(sweep, point).dump(),
                experiment::canonical_toml(point.spec),
                std::move(outcome.record),
                std::move(outcome.curves),
                provenance,
                std::move(outcome.error),
                std::move(outcome.dynamics)};
}

std::string study_id(const experiment::SweepSpec& sweep) {
  std::string id = experiment::run_hash(sweep.base) + " axes:";
  for (const auto& a : sweep.axes) id += " " + a.key;
  return id;
}

Study open_for_sweep(const experiment::SweepSpec& sweep, const std::string& path, const Provenance& provenance) {
  Study study = Study::open(path);
  // One study, one sweep: more seeds or more axis values are welcome, another base config or
  // other axes would mix incomparable runs in one table.
  const std::string id = study_id(sweep);
  if (const auto stored = study.meta("study_id"); stored && stored->rfind("deep:", 0) == 0)
    throw core::InputError(fmt::format("{}: holds deep runs (ptlab deep); expected a new --store for this theory sweep", path));
  if (const auto stored = study.meta("study_id"); stored && *stored != id)
    throw core::InputError(fmt::format("{}: holds another sweep (base config {}, {}); expected the same base config "
                                       "and axes, or a new --store",
                                       path, stored->substr(0, 16), stored->substr(17)));
  if (!study.rows().empty() && !study.meta("study_id"))
    throw core::InputError(fmt::format("{}: holds runs of an unidentified sweep; expected a new --store", path));
  study.set_meta("study_id", id);
  if (!study.meta("created_utc")) study.set_meta("created_utc", provenance.started_utc);
  study.set_meta("ptlab_version", provenance.build.version);
  json axes = json::array();
  for (const auto& a : sweep.axes) axes.push_back(a.key);
  study.set_meta("axes", axes.dump());
  return study;
}

std::vector<PointSummary> grid_summaries(const Study& study, const std::vector<experiment::GridPoint>& points,
                                         const std::vector<std::string>& hashes) {
  const std::vector<PointSummary> stored = summarize_points(study);
  std::vector<PointSummary> out;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const auto it = std::find_if(stored.begin(), stored.end(), [&](const auto& s) { return s.run_hash == hashes[p]; });
    PointSummary s = it != stored.end() ? *it : PointSummary{};
    s.values = points[p].values;
    s.run_hash = hashes[p];
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace detail

StudyResult run_study(const experiment::SweepSpec& sweep, const std::string& path, const StudyRunOptions& options) {
  const std::vector<experiment::GridPoint> points = experiment::grid(sweep);
  for (const auto& p : points) experiment::check_memory(p.spec, 1);  // before the store is created
  Study study = detail::open_for_sweep(sweep, path, options.provenance);
  std::vector<std::string> hashes;
  for (const auto& p : points) hashes.push_back(experiment::run_hash(p.spec));
  const auto finished = study.finished();
  const std::string provenance = provenance_json(options.provenance).dump();

  int to_run = 0, index = 0;
  for (std::size_t p = 0; p < points.size(); ++p)
    for (int i = 0; i < sweep.seeds; ++i, ++index)
      if (index % options.shard_count == options.shard_index)
        to_run += finished.count({hashes[p], points[p].spec.seed + static_cast<std::uint64_t>(i)}) ? 0 : 1;
  int done = 0;

  experiment::SweepOptions run_options;
  run_options.threads = options.threads;
  run_options.shard_index = options.shard_index;
  run_options.shard_count = options.shard_count;
  run_options.skip = [&](const experiment::GridPoint&, const experiment::SweepJob& job) {
    return finished.count({hashes[static_cast<std::size_t>(job.point)], job.seed}) > 0;
  };
  run_options.on_result = [&](const experiment::GridPoint& p, const experiment::SweepJob& job,
                              const experiment::SeedRecord* record, const std::string& error) {
    study.put(detail::sweep_row(sweep, p, hashes[static_cast<std::size_t>(job.point)], job.seed, provenance,
                                detail::outcome_of(record, error)));
    if (options.progress) options.progress(++done, to_run);
  };
  StudyResult result;
  result.counts = experiment::run_sweep(sweep, points, run_options);
  for (const auto& a : sweep.axes) result.axes.push_back(a.key);
  result.points = detail::grid_summaries(study, points, hashes);
  return result;
}

std::pair<int, int> merge_studies(const std::string& output, const std::vector<std::string>& inputs) {
  std::vector<Study> sources;
  for (const auto& in : inputs) sources.push_back(Study::open_existing(in));  // all checked before writing
  // Only shards of one sweep merge: the same study id everywhere (the output's too, if it has runs).
  const std::optional<std::string> id = sources.front().meta("study_id");
  for (std::size_t i = 0; i < sources.size(); ++i)
    if (sources[i].meta("study_id") != id)
      throw core::InputError(fmt::format("merge: {} and {} hold different sweeps; expected shards of one sweep",
                                         inputs.front(), inputs[i]));
  Study out = Study::open(output);
  if (const auto out_id = out.meta("study_id"); out_id && id && *out_id != *id)
    throw core::InputError(fmt::format("merge: {} holds another sweep than {}; expected a new or matching output",
                                       output, inputs.front()));
  if (id) out.set_meta("study_id", *id);
  auto present = out.finished();
  int copied = 0, kept = 0;
  for (const Study& source : sources) {
    for (const auto& key : {"created_utc", "axes", "kind"})
      if (!out.meta(key) && source.meta(key)) out.set_meta(key, *source.meta(key));
    for (const RunRow& row : source.rows()) {
      if (present.count({row.run_hash, row.seed})) {
        ++kept;
        continue;
      }
      out.put(row);
      if (row.status != "failed") present.emplace(row.run_hash, row.seed);
      ++copied;
    }
  }
  return {copied, kept};
}

}  // namespace ptlab::store
