// Study rows: the input is a row's status, point, record and provenance separated by 0x01 bytes.
// A row check_row accepts must then be safe for every reader (the summaries' and the deep
// records' field access).
#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "ptlab/store/record_format.hpp"
#include "ptlab/store/row_check.hpp"

using namespace ptlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> f = fuzz::split(fuzz::text_of(data, size), '\x01');
  store::RunRow row;
  row.run_hash = "0123456789abcdef";
  row.seed = 7;
  row.status = f[0];
  row.point = f.size() > 1 ? f[1] : "{}";
  row.record = f.size() > 2 ? f[2] : "{}";
  row.provenance = f.size() > 3 ? f[3] : "{}";
  fuzz::expect_clean([&] {
    store::check_row(row, "fuzz.study");
    const auto point = nlohmann::ordered_json::parse(row.point);  // named: items() refers into it
    for (const auto& [key, value] : point.items()) (void)value.dump();
    const nlohmann::json record = nlohmann::json::parse(row.record);
    if (row.status != "done") return;
    if (record.value("kind", "") == "deep") {
      (void)store::deep_curves_rows(store::deep_record_of(record));
    } else {
      for (const char* at : {"/ntg", "/transfer/test_error_true", "/scratch/test_error_true"}) {
        const nlohmann::json::json_pointer p(at);
        (void)store::number_of(record.contains(p) ? record.at(p) : nlohmann::json());
      }
    }
  });
  return 0;
}
