#include "ptlab/store/merge.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>

#include "ptlab/core/error.hpp"
#include "ptlab/store/study.hpp"

namespace ptlab::store {

std::pair<int, int> merge_studies(const std::string& output, const std::vector<std::string>& inputs) {
  for (const auto& in : inputs) {
    std::error_code ec;
    if (std::filesystem::exists(in, ec) && std::filesystem::exists(output, ec) && std::filesystem::equivalent(in, output, ec))
      throw core::InputError(fmt::format("merge: {} is both output and input; expected a different output", in));
  }
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
