#pragma once
// The benchmark configs' TOML table reader (advise/bench_config.cpp, advise/deep_bench.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "ptlab/advise/bench_config.hpp"
#include "ptlab/core/error.hpp"

namespace ptlab::advise::detail {

// Reads one table's keys; every key must be consumed, so a typo is an error, not a default.
class Reader {
 public:
  Reader(const toml::table& root, std::string section, std::string source)
      : source_(std::move(source)), section_(std::move(section)) {
    if (const toml::node* n = root.get(section_)) {
      table_ = n->as_table();
      if (table_ == nullptr) fail(section_, "a table");
    }
  }
  /// A table found otherwise (an entry of an array of tables), named `section` in messages.
  Reader(const toml::table* table, std::string section, std::string source)
      : source_(std::move(source)), section_(std::move(section)), table_(table) {}
  ~Reader() noexcept(false) {
    if (table_ == nullptr || std::uncaught_exceptions() > 0) return;
    for (const auto& [key, value] : *table_)
      if (std::find(read_.begin(), read_.end(), std::string(key.str())) == read_.end())
        throw core::InputError(fmt::format("{}: unknown key '{}.{}'", source_, section_, key.str()));
  }

  void number(const char* key, double& out, double lo, double hi) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    const auto v = n->value<double>();
    if (!v || !std::isfinite(*v) || *v < lo || *v > hi) fail(key, fmt::format("a number in [{}, {}]", lo, hi));
    out = *v;
  }
  template <class Int>
  void integer(const char* key, Int& out, std::int64_t lo, std::int64_t hi) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    const auto* v = n->as_integer();
    if (v == nullptr || v->get() < lo || v->get() > hi) fail(key, fmt::format("an integer in [{}, {}]", lo, hi));
    out = static_cast<Int>(v->get());
  }
  void numbers(const char* key, std::vector<double>& out, double lo, double hi, bool open_lo) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    const auto* a = n->as_array();
    const std::string what = fmt::format("a non-empty array of numbers in {}{}, {}]", open_lo ? "(" : "[", lo, hi);
    if (a == nullptr || a->empty()) fail(key, what);
    out.clear();
    for (const auto& e : *a) {
      const auto v = e.value<double>();
      if (!v || !std::isfinite(*v) || *v > hi || (open_lo ? *v <= lo : *v < lo)) fail(key, what);
      out.push_back(*v);
    }
  }
  void range(const char* key, Range& out, double lo, double hi) {
    std::vector<double> v;
    numbers(key, v, lo, hi, false);
    if (v.empty()) return;
    if (v.size() != 2 || v[0] > v[1]) fail(key, fmt::format("[lo, hi] with {} ≤ lo ≤ hi ≤ {}", lo, hi));
    out = {v[0], v[1]};
  }
  void text(const char* key, std::string& out) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    const auto v = n->value<std::string>();
    if (!v) fail(key, "a string");
    out = *v;
  }
  void boolean(const char* key, bool& out) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    const auto v = n->value<bool>();
    if (!v) fail(key, "true or false");
    out = *v;
  }
  void strings(const char* key, std::vector<std::string>& out) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    const auto* a = n->as_array();
    if (a == nullptr) fail(key, "an array of \"key=value\" strings");
    for (const auto& e : *a) {
      const auto v = e.value<std::string>();
      if (!v) fail(key, "an array of \"key=value\" strings");
      out.push_back(*v);
    }
  }

  /// Whether the table has `key` (a key read or not).
  bool given(const char* key) const { return table_ != nullptr && table_->get(key) != nullptr; }

 private:
  const toml::node* find(const char* key) {
    read_.emplace_back(key);
    return table_ == nullptr ? nullptr : table_->get(key);
  }
  [[noreturn]] void fail(const std::string& key, const std::string& expected) const {
    throw core::InputError(fmt::format("{}: {}.{}: expected {}", source_, section_, key, expected));
  }
  std::string source_, section_;
  const toml::table* table_ = nullptr;
  std::vector<std::string> read_;
};

}  // namespace ptlab::advise::detail
