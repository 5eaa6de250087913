// Escaping control characters and invalid UTF-8 in external text, and short excerpts.
#include "core/printable.hpp"

#include <fmt/format.h>

#include "core/redact.hpp"

namespace rollout {

namespace {

bool continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// The length of the well-formed UTF-8 sequence starting at s[i], 0 if there is none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  const unsigned char c = at(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return continuation(at(1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return at(1) >= lo && at(1) <= hi && continuation(at(2)) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return at(1) >= lo && at(1) <= hi && continuation(at(2)) && continuation(at(3)) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::string printable(std::string_view text, bool multiline) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || c == '\t') {
      out += multiline ? std::string(1, static_cast<char>(c)) : c == '\n' ? "\\n" : "\\t";
      ++i;
    } else if (c == '\r') {
      out += "\\r";
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else if (const std::size_t n = utf8_length(text, i); n == 0) {
      out += fmt::format("\\x{:02x}", c);  // not UTF-8
      ++i;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));  // C1 control
      i += 2;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string excerpt(std::string_view text, std::size_t max) {
  // Only what can be shown is redacted, with room for a secret that straddles the cut.
  const std::size_t window = max + secrets().longest();
  std::string flat = secrets().redact(text.substr(0, window));
  for (char& c : flat)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  flat = printable(flat, false);
  const bool cut = flat.size() > max || text.size() > window;
  if (flat.size() > max) {
    std::size_t end = max;
    while (end > 0 && continuation(static_cast<unsigned char>(flat[end]))) --end;
    flat.resize(end);
  }
  while (!flat.empty() && flat.back() == ' ') flat.pop_back();
  return cut ? flat + "..." : flat;
}

}  // namespace rollout
