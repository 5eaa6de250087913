// Parsing and printing durations.
#include "core/duration.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <fmt/format.h>

namespace rollout {

std::optional<Duration> parse_duration(std::string_view text) {
  if (text == "0") return Duration{0};
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    std::int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000) return std::nullopt;
      ++i;
    }
    size_t start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(start, i - start);
    std::int64_t ms;
    if (unit == "ms")
      ms = 1;
    else if (unit == "s")
      ms = 1000;
    else if (unit == "m")
      ms = 60'000;
    else if (unit == "h")
      ms = 3'600'000;
    else if (unit == "d")
      ms = 86'400'000;
    else
      return std::nullopt;
    total += n * ms;
  }
  return Duration{total};
}

namespace {

std::string exact_form(std::int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  const std::int64_t h = ms / 3'600'000;
  const std::int64_t m = ms / 60'000 % 60;
  const std::int64_t s = ms / 1000 % 60;
  const std::int64_t rest = ms % 1000;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s || rest) {
    out += std::to_string(s);
    if (rest) {
      std::string frac = std::to_string(rest + 1000).substr(1);
      while (!frac.empty() && frac.back() == '0') frac.pop_back();
      out += "." + frac;
    }
    out += "s";
  }
  return out;
}

}  // namespace

std::string format_duration(Duration d, Rounding rounding) {
  if (rounding == Rounding::exact) return exact_form(d.count());
  const std::int64_t ms = std::max<std::int64_t>(d.count(), 0);
  if (ms == 0 && rounding == Rounding::tenths) return "0s";
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000 && rounding == Rounding::tenths) {
    std::string s = fmt::format("{:.1f}", static_cast<double>(ms) / 1000.0);
    if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
    return s + "s";
  }
  std::int64_t s = (ms + 500) / 1000;
  if (s < 60) return fmt::format("{}s", s);
  std::int64_t m = s / 60;
  s %= 60;
  if (m < 60) return s ? fmt::format("{}m{:02}s", m, s) : fmt::format("{}m", m);
  std::int64_t h = m / 60;
  m %= 60;
  if (h < 48 || rounding == Rounding::tenths)
    return m ? fmt::format("{}h{:02}m", h, m) : fmt::format("{}h", h);
  const std::int64_t days = h / 24;
  h %= 24;
  return h ? fmt::format("{}d{}h", days, h) : fmt::format("{}d", days);
}

}  // namespace rollout
