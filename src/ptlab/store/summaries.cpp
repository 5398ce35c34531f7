#include "ptlab/store/summaries.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "ptlab/experiment/config.hpp"
#include "ptlab/store/record_format.hpp"

namespace ptlab::store {

using nlohmann::json;

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
    // A field a record lacks reads as NaN (rows are checked by Study::rows: objects where objects belong).
    const auto field = [](const json& r, const json::json_pointer& at) { return r.contains(at) ? number_of(r.at(at)) : number_of(json()); };
    for (const json& r : done[hash]) {
      ntg.push_back(field(r, json::json_pointer("/ntg")));
      tr.push_back(field(r, json::json_pointer("/transfer/test_error_true")));
      sc.push_back(field(r, json::json_pointer("/scratch/test_error_true")));
    }
    p.ntg = experiment::summarize(ntg);
    p.transfer_test_error_true = experiment::summarize(tr);
    p.scratch_test_error_true = experiment::summarize(sc);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<PointSummary> grid_summaries(const Study& study, const experiment::SweepSpec& sweep) {
  const std::vector<PointSummary> stored = summarize_points(study);
  std::vector<PointSummary> out;
  for (const auto& point : experiment::grid(sweep)) {
    const std::string hash = experiment::run_hash(point.spec);
    const auto it = std::find_if(stored.begin(), stored.end(), [&](const auto& s) { return s.run_hash == hash; });
    PointSummary s = it != stored.end() ? *it : PointSummary{};
    s.values = point.values;
    s.run_hash = hash;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::pair<std::string, experiment::DeepRecord>> deep_records(const Study& study) {
  std::vector<std::pair<std::string, experiment::DeepRecord>> out;
  for (const RunRow& row : study.rows())
    if (row.status == "done") out.emplace_back(row.run_hash, deep_record_of(json::parse(row.record)));
  return out;
}

}  // namespace ptlab::store
