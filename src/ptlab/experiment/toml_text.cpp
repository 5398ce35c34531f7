#include "ptlab/experiment/toml_text.hpp"

#include <fmt/format.h>

#include "ptlab/core/error.hpp"

namespace ptlab::experiment {

namespace {

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not valid UTF-8 (overlong
// forms, surrogates and code points above U+10FFFF included): RFC 3629 §4.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) n = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

void check_toml_text(std::string_view text, const std::string& source_name) {
  if (text.size() > kMaxTomlBytes)
    throw core::InputError(fmt::format("{}: {} bytes; expected a TOML config of at most {} bytes", source_name,
                                       text.size(), kMaxTomlBytes));
  enum class In { code, comment, basic, literal, multi_basic, multi_literal };
  In in = In::code;
  int line = 1, depth = 0, dots = 0;
  std::size_t line_start = 0;
  const auto fail = [&](std::size_t i, const std::string& what) {
    throw core::InputError(fmt::format("{}:{}:{}: {}", source_name, line, i - line_start + 1, what));
  };
  const auto starts = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\0') fail(i, "NUL byte; expected UTF-8 text");
    const std::size_t n = utf8_length(text, i);
    if (n == 0) fail(i, fmt::format("byte 0x{:02X} is not UTF-8; expected UTF-8 text", static_cast<unsigned char>(c)));
    if (n > 1 && (in == In::code))
      fail(i, "non-ASCII character outside a string or comment; expected keys and values in ASCII (quote text)");
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      dots = 0;
      if (in == In::comment) in = In::code;
      if (in == In::basic || in == In::literal) in = In::code;  // toml++ reports the unterminated string
      ++i;
      continue;
    }
    switch (in) {
      case In::code:
        if (c == '#') in = In::comment;
        else if (starts(i, "\"\"\"")) in = In::multi_basic, i += 2;
        else if (starts(i, "'''")) in = In::multi_literal, i += 2;
        else if (c == '"') in = In::basic;
        else if (c == '\'') in = In::literal;
        else if (c == '[' || c == '{') {
          if (++depth > kMaxTomlNesting)
            fail(i, fmt::format("brackets nested more than {} deep; expected a ptlab config", kMaxTomlNesting));
        } else if (c == ']' || c == '}') {
          depth = depth > 0 ? depth - 1 : 0;
        } else if (c == '.' && ++dots > kMaxTomlDots) {
          fail(i, fmt::format("more than {} dots on one line; expected a ptlab config (keys are section.name)",
                              kMaxTomlDots));
        }
        break;
      case In::basic:
        if (c == '\\') ++i;  // an escaped quote does not end the string
        else if (c == '"') in = In::code;
        break;
      case In::literal:
        if (c == '\'') in = In::code;
        break;
      case In::multi_basic:
        if (c == '\\') {
          // A line-ending backslash makes toml++ skip whitespace with its Unicode tables.
          std::size_t k = i + 1;
          while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n')) ++k;
          if (k > i + 1 && k < text.size() && static_cast<unsigned char>(text[k]) >= 0x80)
            fail(k, "non-ASCII character after a line-ending backslash; expected ASCII there");
          if (k == i + 1) ++i;
        } else if (starts(i, "\"\"\"")) {
          in = In::code, i += 2;
        }
        break;
      case In::multi_literal:
        if (starts(i, "'''")) in = In::code, i += 2;
        break;
      case In::comment:
        break;
    }
    i += n;
  }
}

toml::table parse_toml(const std::string& text, const std::string& source_name) {
  check_toml_text(text, source_name);
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw core::InputError(fmt::format("{}:{}:{}: malformed TOML: {}", source_name, e.source().begin.line,
                                       e.source().begin.column, e.description()));
  }
}

std::optional<toml::table> try_parse_toml_value(const std::string& value, const std::string& where) {
  const std::string text = "v = " + value;
  try {
    check_toml_text(text, where);
  } catch (const core::InputError&) {
    return std::nullopt;  // taken as a bare string, which never reaches toml++
  }
  try {
    return toml::parse(text, where);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

}  // namespace ptlab::experiment
