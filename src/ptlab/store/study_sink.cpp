#include "ptlab/store/study_sink.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "ptlab/core/error.hpp"
#include "ptlab/store/record_format.hpp"

namespace ptlab::store {

bool is_deep_study(const Study& study) { return study.meta("kind") == std::optional<std::string>("deep"); }

StudySink StudySink::open_for(const experiment::StudyKey& key, const std::string& path, const Provenance& provenance) {
  Study study = Study::open(path);
  // One study, one sweep: more seeds or more axis values are welcome, another base config or
  // other axes would mix incomparable runs in one table.
  const bool deep = key.kind == experiment::StudyKey::Kind::deep;
  const auto stored = study.meta("study_id");
  const bool stored_deep = stored && stored->rfind("deep:", 0) == 0;
  if (stored && stored_deep && !deep)
    throw core::InputError(fmt::format("{}: holds deep runs (ptlab deep); expected a new --store for this theory sweep", path));
  if (stored && !stored_deep && deep)
    throw core::InputError(fmt::format("{}: holds theory runs; expected a new --store for deep runs", path));
  if (stored && *stored != key.id) {
    if (deep)
      throw core::InputError(fmt::format("{}: holds another deep experiment (base config {}); expected the same base "
                                         "config and axes, or a new --store", path, stored->substr(5, 16)));
    throw core::InputError(fmt::format("{}: holds another sweep (base config {}, {}); expected the same base config "
                                       "and axes, or a new --store",
                                       path, stored->substr(0, 16), stored->substr(std::min<std::size_t>(17, stored->size()))));
  }
  const bool has_runs = !study.rows().empty();  // read once: a large study's rows are costly
  if (has_runs && !stored)
    throw core::InputError(fmt::format("{}: holds runs of an unidentified sweep; expected a new --store", path));
  // The same config on changed files (images or weights replaced in place) is another experiment.
  // A study from before inputs were recorded takes the current ones.
  if (const auto inputs = study.meta("inputs"); inputs && has_runs && *inputs != key.inputs)
    throw core::InputError(fmt::format("{}: its runs read other files (data.dir, data.downstream_dir or transfer.import "
                                       "changed since: fingerprint {}, now {}); expected the same files, or a new "
                                       "--store", path, inputs->empty() ? "none" : *inputs,
                                       key.inputs.empty() ? "none" : key.inputs));
  study.set_meta("inputs", key.inputs);
  study.set_meta("study_id", key.id);
  if (deep) study.set_meta("kind", "deep");
  if (!study.meta("created_utc")) study.set_meta("created_utc", provenance.started_utc);
  study.set_meta("ptlab_version", provenance.build.version);
  study.set_meta("axes", nlohmann::json(key.axes).dump());
  return StudySink(std::move(study), provenance_json(provenance).dump());
}

experiment::RunKeys StudySink::finished() const { return study_.finished(); }

void StudySink::put(experiment::RunOutput run) { study_.put(row_of(run, provenance_)); }

std::string shard_path(const std::string& path, const experiment::Shard& shard) {
  if (shard.count <= 1) return path;
  const std::filesystem::path p(path);
  return (p.parent_path() / fmt::format("{}.shard-{}-of-{}{}", p.stem().string(), shard.index, shard.count,
                                        p.extension().string())).string();
}

std::string default_study_path(const std::string& config_path) {
  return std::filesystem::path(config_path).stem().string() + ".db";
}

}  // namespace ptlab::store
