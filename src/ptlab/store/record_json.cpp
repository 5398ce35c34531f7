#include "ptlab/store/record_json.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

#include "ptlab/experiment/config.hpp"

namespace ptlab::store {
namespace {

using nlohmann::json;

json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json phase_json(const experiment::PhaseRecord& p) {
  return json{{"status", train::to_string(p.status)},   {"steps", p.steps},
              {"train_loss", number(p.train_loss)},      {"train_error", number(p.train_error)},
              {"test_error", number(p.test_error)},      {"test_error_true", number(p.test_error_true)},
              {"wall_s", p.wall_s},                     {"backend", train::to_string(p.backend)}};
}

}  // namespace

// Valid UTF-8 for JSON: each byte that does not start a well-formed sequence becomes '?'
// (file names on Linux may be Latin-1).
std::string valid_utf8(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    if (ok) {
      out.append(text, i, len);
      i += len;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

Provenance current_provenance(const std::string& command) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return Provenance{core::build_info(), valid_utf8(host), fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now),
                    valid_utf8(command)};
}

nlohmann::json record_json(const experiment::SeedRecord& r) {
  return json{{"seed", r.seed},
              {"valid", r.valid()},
              {"upstream", phase_json(r.upstream)},
              {"transfer", phase_json(r.transfer)},
              {"scratch", phase_json(r.scratch)},
              {"filters_inherited", r.filters_inherited},
              {"entries_inherited", r.entries_inherited},
              {"ntg", number(r.ntg)},
              {"ntg_observed", number(r.ntg_observed)},
              {"wall_s", r.wall_s}};
}

nlohmann::json stat_json(const experiment::Stat& s) {
  return json{{"n", s.n}, {"mean", number(s.mean)}, {"std", number(s.std)},
              {"ci95", json::array({number(s.ci_low), number(s.ci_high)})}};
}

nlohmann::json provenance_json(const Provenance& provenance) {
  const auto& b = provenance.build;
  return json{{"ptlab_version", b.version},       {"git_sha", b.git_sha},
              {"compiler", b.compiler},           {"flags", b.flags},
              {"host", provenance.host},          {"started_utc", provenance.started_utc},
              {"command", provenance.command}};
}

nlohmann::json to_json(const experiment::ExperimentResult& result, const Provenance& provenance) {
  json seeds = json::array();
  for (const auto& r : result.records) seeds.push_back(record_json(r));
  json metrics = json::object();
  for (const auto& [name, stat] : result.summary.metrics) metrics[name] = stat_json(stat);
  return json{
      {"schema_version", kSchemaVersion},
      {"config_hash", experiment::config_hash(result.spec)},
      {"seeds", json{{"first", result.spec.seed}, {"count", result.spec.seeds}}},
      {"summary", json{{"seeds", result.summary.seeds},
                       {"valid", result.summary.valid},
                       {"diverged", result.summary.diverged},
                       {"verdict", result.summary.verdict},
                       {"metrics", metrics}}},
      {"records", seeds},
      {"wall_s", result.wall_s},
      {"threads", result.threads},
      {"provenance", provenance_json(provenance)},
  };
}

}  // namespace ptlab::store
