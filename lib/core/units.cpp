// Unit suffixes of gate thresholds and their conversion to base units.
#include "core/units.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

#include <fmt/format.h>

namespace rollout {

namespace {

struct Entry {
  const char* suffix;
  UnitScale scale;
};

constexpr Entry kUnits[] = {
    {"%", {Dimension::ratio, 0.01}},
    {"ms", {Dimension::seconds, 0.001}},
    {"s", {Dimension::seconds, 1}},
    {"m", {Dimension::seconds, 60}},
    {"h", {Dimension::seconds, 3600}},
    {"B", {Dimension::bytes, 1}},
    {"KB", {Dimension::bytes, 1e3}},
    {"MB", {Dimension::bytes, 1e6}},
    {"GB", {Dimension::bytes, 1e9}},
    {"KiB", {Dimension::bytes, 1024.0}},
    {"MiB", {Dimension::bytes, 1024.0 * 1024}},
    {"GiB", {Dimension::bytes, 1024.0 * 1024 * 1024}},
};

// "%g"-like but never in exponent form for the magnitudes thresholds have.
std::string number(double v) {
  std::string s = fmt::format("{:.6f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

}  // namespace

std::optional<UnitScale> unit_scale(std::string_view suffix) {
  for (const auto& e : kUnits)
    if (suffix == e.suffix) return e.scale;
  return std::nullopt;
}

const std::vector<std::string>& unit_suffixes() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (const auto& e : kUnits) v.emplace_back(e.suffix);
    return v;
  }();
  return all;
}

std::string unit_suffixes_for(Dimension d) {
  std::string out;
  for (const auto& e : kUnits) {
    if (e.scale.dimension != d) continue;
    if (!out.empty()) out += ", ";
    out += e.suffix;
  }
  return out;
}

const char* to_string(Dimension d) {
  switch (d) {
    case Dimension::ratio:
      return "ratio";
    case Dimension::seconds:
      return "seconds";
    case Dimension::bytes:
      return "bytes";
    case Dimension::count:
      return "count";
  }
  return "count";
}

std::string format_quantity(double value, Dimension d) {
  const double a = std::fabs(value);
  switch (d) {
    case Dimension::ratio:
      return number(value * 100) + "%";
    case Dimension::seconds:
      if (a != 0 && a < 1) return number(value * 1000) + "ms";
      if (a >= 3600 && std::fmod(a, 3600) == 0) return number(value / 3600) + "h";
      if (a >= 60 && std::fmod(a, 60) == 0) return number(value / 60) + "m";
      return number(value) + "s";
    case Dimension::bytes: {
      const char* bin[] = {"GiB", "MiB", "KiB"};
      const double binf[] = {1024.0 * 1024 * 1024, 1024.0 * 1024, 1024.0};
      for (int i = 0; i < 3; ++i)
        if (a >= binf[i] && std::fmod(a, binf[i]) == 0) return number(value / binf[i]) + bin[i];
      const char* dec[] = {"GB", "MB", "KB"};
      const double decf[] = {1e9, 1e6, 1e3};
      for (int i = 0; i < 3; ++i)
        if (a >= decf[i]) return number(value / decf[i]) + dec[i];
      return number(value) + "B";
    }
    case Dimension::count:
      return number(value);
  }
  return number(value);
}

std::string format_measurement(double v, Dimension d) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  switch (d) {
    case Dimension::ratio:
      return fmt::format("{:.3g}%", v * 100);
    case Dimension::seconds:
      return std::fabs(v) < 1 ? fmt::format("{:.3g}ms", v * 1000) : fmt::format("{:.3g}s", v);
    case Dimension::bytes: {
      const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
      int i = 0;
      for (; std::fabs(v) >= 1024 && i < 4; ++i) v /= 1024;
      return fmt::format("{:.3g}{}", v, units[i]);
    }
    case Dimension::count:
      break;
  }
  return fmt::format("{:.4g}", v);
}

std::string format_measurement(const nlohmann::json& value, std::string_view unit) {
  if (!value.is_number()) return "no data";
  Dimension d = Dimension::count;
  for (Dimension c : {Dimension::ratio, Dimension::seconds, Dimension::bytes})
    if (unit == to_string(c)) d = c;
  return format_measurement(value.get<double>(), d);
}

}  // namespace rollout
