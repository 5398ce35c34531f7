#include "ptlab/store/row_check.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string_view>

#include "ptlab/core/error.hpp"
#include "ptlab/store/record_format.hpp"
#include "ptlab/store/record_json.hpp"

namespace ptlab::store {
namespace {

using nlohmann::json;

const char* type_name(const json& j) {
  return j.is_object() ? "an object" : j.is_array() ? "an array" : j.is_string() ? "a string" : j.is_boolean() ? "a boolean"
       : j.is_number() ? "a number" : "null";
}

// The first place where `value` departs from the shape of `model` ("" when none): a key of the
// model that `value` has must have the model's JSON type (a number may be null: NaN is stored as
// null); with `complete`, every key of the model must be there. Arrays are not looked into.
std::string departure(const json& value, const json& model, const std::string& where, bool complete) {
  if (model.is_object()) {
    if (!value.is_object()) return fmt::format("{} is {}; expected an object", where, type_name(value));
    for (const auto& [key, sub] : model.items()) {
      const auto it = value.find(key);
      if (it == value.end()) {
        if (complete) return fmt::format("{}.{} is missing", where, key);
        continue;
      }
      if (std::string d = departure(*it, sub, where + "." + key, complete); !d.empty()) return d;
    }
    return "";
  }
  const bool ok = model.is_number() || model.is_null() ? value.is_number() || value.is_null()
                  : model.is_string()                  ? value.is_string()
                  : model.is_boolean()                 ? value.is_boolean()
                  : model.is_array()                   ? value.is_array()
                                                       : true;
  return ok ? "" : fmt::format("{} is {}; expected {}", where, type_name(value),
                               model.is_null() ? "a number (or null)" : type_name(model));
}

json parsed(const std::string& text, const char* column, const std::string& at) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) throw core::InputError(fmt::format("{}: {} is not valid JSON", at, column));
  return j;
}

}  // namespace

void check_row(const RunRow& row, const std::string& path) {
  const std::string at = fmt::format("{}: runs row (run {}, seed {})", path, row.run_hash, row.seed);
  if (row.status != "done" && row.status != "diverged" && row.status != "failed")
    throw core::InputError(fmt::format("{}: status \"{}\"; expected done, diverged or failed", at, row.status));
  const json point = parsed(row.point, "point", at);
  if (!point.is_object()) throw core::InputError(fmt::format("{}: point is {}; expected an object of axis values", at, type_name(point)));
  for (const auto& [key, value] : point.items()) {
    bool ok = !value.is_object();
    if (value.is_array())
      for (const auto& e : value) ok = ok && !e.is_object() && !e.is_array();
    if (!ok) throw core::InputError(fmt::format("{}: point.{} is {}; expected an axis value", at, key, type_name(value)));
  }
  const json provenance = parsed(row.provenance, "provenance", at);
  if (!provenance.is_object())
    throw core::InputError(fmt::format("{}: provenance is {}; expected an object", at, type_name(provenance)));
  // Curves: CSV lines of 7 cells (seed, phase, step, train_loss, train_error, test_error,
  // test_error_true), which export and plot split by position.
  int line_number = 0;
  for (std::size_t start = 0; start < row.curves.size();) {
    const std::size_t end = std::min(row.curves.find('\n', start), row.curves.size());
    const std::string_view line(row.curves.data() + start, end - start);
    ++line_number;
    if (!line.empty() && std::count(line.begin(), line.end(), ',') != 6)
      throw core::InputError(fmt::format("{}: curves line {} has {} cells; expected 7 (seed, phase, step, train_loss, "
                                         "train_error, test_error, test_error_true)",
                                         at, line_number, std::count(line.begin(), line.end(), ',') + 1));
    start = end + 1;
  }
  const json record = parsed(row.record, "record", at);
  if (row.status == "failed" && record.is_object() && record.empty()) return;
  // Readers branch on record.kind (plot, summaries): "deep" or absent, nothing else.
  if (record.is_object() && record.contains("kind") && record["kind"] != "deep")
    throw core::InputError(fmt::format("{}: record.kind is {}; expected \"deep\" or no kind (a theory record)", at,
                                       record["kind"].dump()));
  const bool deep = record.is_object() && record.contains("kind");
  // The shape every record of this kind has: the JSON of a default-constructed record.
  static const json theory_model = record_json(experiment::SeedRecord{});
  static const json deep_model = deep_record_json(experiment::DeepRecord{});
  // Theory readers take a missing field as NaN; the deep reader needs every field.
  if (std::string d = departure(record, deep ? deep_model : theory_model, "record", deep); !d.empty())
    throw core::InputError(fmt::format("{}: {}", at, d));
}

}  // namespace ptlab::store
