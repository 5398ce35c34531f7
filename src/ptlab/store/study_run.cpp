#include "ptlab/store/study_run.hpp"

#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "ptlab/experiment/config.hpp"
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

StudyResult run_study(const experiment::SweepSpec& sweep, const std::string& path, const StudyRunOptions& options) {
  const std::vector<experiment::GridPoint> points = experiment::grid(sweep);
  for (const auto& p : points) experiment::check_memory(p.spec, 1);  // before the store is created
  Study study = Study::open(path);
  if (!study.meta("created_utc")) study.set_meta("created_utc", options.provenance.started_utc);
  study.set_meta("ptlab_version", options.provenance.build.version);
  json axes = json::array();
  for (const auto& a : sweep.axes) axes.push_back(a.key);
  study.set_meta("axes", axes.dump());

  std::vector<std::string> hashes;
  for (const auto& p : points) hashes.push_back(experiment::run_hash(p.spec));
  const auto finished = study.finished();
  const std::string provenance = provenance_json(options.provenance).dump();

  int todo = 0, index = 0;
  for (std::size_t p = 0; p < points.size(); ++p)
    for (int i = 0; i < sweep.seeds; ++i, ++index)
      if (index % options.shard_count == options.shard_index)
        todo += finished.count({hashes[p], points[p].spec.seed + static_cast<std::uint64_t>(i)}) ? 0 : 1;
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
    RunRow row;
    row.run_hash = hashes[static_cast<std::size_t>(job.point)];
    row.seed = job.seed;
    row.point = point_json(sweep, p).dump();
    row.config = experiment::canonical_toml(p.spec);
    row.provenance = provenance;
    if (record != nullptr) {
      row.status = record->valid() ? "done" : "diverged";
      row.record = record_json(*record).dump();
      row.curves = curves_rows(*record);
    } else {
      row.status = "failed";
      row.record = "{}";
      row.error = error;
    }
    study.put(row);
    if (options.progress) options.progress(++done, todo);
  };
  StudyResult result;
  result.counts = experiment::run_sweep(sweep, points, run_options);
  for (const auto& a : sweep.axes) result.axes.push_back(a.key);

  // Summaries from the store, so that runs of earlier calls count too.
  std::map<std::string, std::vector<json>> by_hash;
  std::map<std::string, PointSummary> counts;
  for (const RunRow& row : study.rows()) {
    PointSummary& c = counts[row.run_hash];
    if (row.status == "done") {
      ++c.done;
      by_hash[row.run_hash].push_back(json::parse(row.record));
    } else if (row.status == "diverged") {
      ++c.diverged;
    } else {
      ++c.failed;
    }
  }
  for (std::size_t p = 0; p < points.size(); ++p) {
    PointSummary s = counts[hashes[p]];
    s.values = points[p].values;
    s.run_hash = hashes[p];
    std::vector<double> ntg, tr, sc;
    for (const json& r : by_hash[hashes[p]]) {
      ntg.push_back(value_or_nan(r["ntg"]));
      tr.push_back(value_or_nan(r["transfer"]["test_error_true"]));
      sc.push_back(value_or_nan(r["scratch"]["test_error_true"]));
    }
    s.ntg = experiment::summarize(ntg);
    s.transfer_test_error_true = experiment::summarize(tr);
    s.scratch_test_error_true = experiment::summarize(sc);
    result.points.push_back(std::move(s));
  }
  return result;
}

std::pair<int, int> merge_studies(const std::string& output, const std::vector<std::string>& inputs) {
  std::vector<Study> sources;
  for (const auto& in : inputs) sources.push_back(Study::open_existing(in));  // all checked before writing
  Study out = Study::open(output);
  auto present = out.finished();
  int copied = 0, kept = 0;
  for (const Study& source : sources) {
    for (const auto& key : {"created_utc", "axes"})
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
