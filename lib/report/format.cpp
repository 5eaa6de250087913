// Formatting helpers for the report (see format.hpp).
#include "report/format.hpp"

#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace rollout::report {

std::string format_ms(std::int64_t ms) {
  if (ms < 0) ms = 0;
  if (ms == 0) return "0s";
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000) {
    std::string s = fmt::format("{:.1f}", static_cast<double>(ms) / 1000.0);
    if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
    return s + "s";
  }
  std::int64_t s = (ms + 500) / 1000;
  std::int64_t m = s / 60;
  s %= 60;
  if (m < 60) return s ? fmt::format("{}m{:02}s", m, s) : fmt::format("{}m", m);
  std::int64_t h = m / 60;
  m %= 60;
  return m ? fmt::format("{}h{:02}m", h, m) : fmt::format("{}h", h);
}

std::string format_ms(const nlohmann::json& ms) {
  if (!ms.is_number()) return "—";
  return format_ms(ms.get<std::int64_t>());
}

std::string op_symbol(std::string_view op) {
  if (op == "lt") return "<";
  if (op == "le") return "<=";
  if (op == "gt") return ">";
  if (op == "ge") return ">=";
  return std::string(op);
}

std::string utc_time(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
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
