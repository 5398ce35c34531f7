#pragma once
// Test helper: the rows of an exported runs CSV without wall-clock columns, sorted, so that two
// studies holding the same runs compare equal whatever the order or the machine's speed.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace ptlab::testing {

inline std::vector<std::string> pure_rows(const std::string& csv_text) {
  const auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::istringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
    return cells;
  };
  std::istringstream csv(csv_text);
  std::string header;
  std::getline(csv, header);
  const auto names = split(header);
  std::vector<std::string> rows;
  for (std::string line; std::getline(csv, line);) {
    std::string kept;
    const auto cells = split(line);
    for (std::size_t c = 0; c < cells.size() && c < names.size(); ++c)
      if (names[c].find("wall_s") == std::string::npos) kept += cells[c] + ",";
    rows.push_back(kept);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace ptlab::testing
