// Text helpers for the terminal pictures: widths that ignore colour codes, units a
// person reads at a glance (see text.hpp).
#include "view/text.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace rollout::view {

namespace {

// Length of the ANSI escape sequence starting at text[i] (ESC [ ... final byte), or 0.
std::size_t escape_length(std::string_view text, std::size_t i) {
  if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') return 0;
  std::size_t j = i + 2;
  while (j < text.size() && !(text[j] >= 0x40 && text[j] <= 0x7e)) ++j;
  return j < text.size() ? j - i + 1 : text.size() - i;
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (std::size_t esc = escape_length(text, i)) {
      i += esc;
      continue;
    }
    if (!is_continuation(text[i])) ++width;
    ++i;
  }
  return width;
}

std::string truncate(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  std::string out;
  std::size_t used = 0;
  bool had_escape = false;
  const std::size_t keep = width == 0 ? 0 : width - 1;  // room for the ellipsis
  for (std::size_t i = 0; i < text.size();) {
    if (std::size_t esc = escape_length(text, i)) {
      out.append(text.substr(i, esc));
      had_escape = true;
      i += esc;
      continue;
    }
    if (!is_continuation(text[i])) {
      if (used == keep) break;
      ++used;
    }
    out.push_back(text[i]);
    ++i;
    while (i < text.size() && is_continuation(text[i])) out.push_back(text[i++]);
  }
  if (width > 0) out += "…";
  if (had_escape) out += "\x1b[0m";
  return out;
}

std::string pad_right(std::string_view text, std::size_t width) {
  std::string out(text);
  std::size_t w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string pad_left(std::string_view text, std::size_t width) {
  std::size_t w = display_width(text);
  std::string out;
  if (w < width) out.append(width - w, ' ');
  out.append(text);
  return out;
}

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  out.reserve(unit.size() * n);
  for (std::size_t i = 0; i < n; ++i) out.append(unit);
  return out;
}

std::string Palette::paint(std::string_view text, std::string_view sgr) const {
  if (!on || text.empty()) return std::string(text);
  return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

std::string Palette::outcome(std::string_view text, std::optional<Outcome> result) const {
  if (!result) return std::string(text);
  switch (*result) {
    case Outcome::pass:
      return green(text);
    case Outcome::fail:
      return red(text);
    case Outcome::inconclusive:
      return yellow(text);
    case Outcome::error:
      return magenta(text);
  }
  return std::string(text);
}

std::string clock_time(std::chrono::system_clock::time_point t, bool seconds) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, seconds ? "%H:%M:%S" : "%H:%M", &tm);
  return buf;
}

}  // namespace rollout::view
