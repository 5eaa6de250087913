// Formatting helpers for the report (see format.hpp).
#include "report/format.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/duration.hpp"

namespace rollout::report {

std::string format_ms(const nlohmann::json& ms) {
  if (!ms.is_number()) return "—";
  return format_duration(Duration{ms.get<std::int64_t>()}, Rounding::tenths);
}

std::string readable_time(std::string_view iso) {
  std::string out(iso);
  if (out.size() == 20 && out[10] == 'T' && out.back() == 'Z') {
    out[10] = ' ';
    out.back() = ' ';
    out += "UTC";
  }
  return out;
}

std::string md_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += ' ';
        else
          out += c;
    }
  }
  return out;
}

}  // namespace rollout::report
