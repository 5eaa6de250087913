// The gate-expression grammar: CHECK OP VALUE[UNIT] [for DURATION], OP one of < <= > >=
// == !=; with == and != the value may be true, false or a quoted string.
// Parsing the text is separate from resolving it against the runbook's checks, so
// validation can point at the exact column of what is wrong.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/units.hpp"
#include "runbook/model.hpp"

namespace rollout::runbook {

struct GateSyntax {
  std::string check;
  std::size_t check_offset = 0;
  CompareOp op = CompareOp::lt;
  double value = 0;                 // as written, before the unit
  std::optional<std::string> word;  // == / != true, false or 'a string' (then no value)
  std::size_t value_offset = 0;
  std::string unit;             // "" when the value is a bare number
  std::size_t unit_offset = 0;  // where the unit starts (the value's offset when bare)
  std::optional<Duration> sustain;
  std::size_t sustain_offset = 0;
};

struct GateSyntaxResult {
  std::optional<GateSyntax> gate;
  std::string error;             // set when gate is empty
  std::size_t error_offset = 0;  // 0-based offset into the text
};

GateSyntaxResult parse_gate_syntax(std::string_view text);

// The threshold in the check's base unit ("1%" for a ratio check is 0.01), or why the unit
// does not fit the check. `error_offset` is where the offending unit starts.
struct ThresholdResult {
  std::optional<double> value;
  std::string error;
  std::size_t error_offset = 0;
};
ThresholdResult gate_threshold(const GateSyntax& g, Unit check_unit);

// Both steps at once, for code that builds gates outside a runbook file.
Result<Gate> parse_gate(std::string_view text, const std::map<std::string, Check>& checks);

// What a check's unit measures, to match a threshold's suffix against it.
Dimension dimension_of(Unit unit);

}  // namespace rollout::runbook
