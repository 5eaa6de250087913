// libFuzzer target: the gate-expression parser, then the threshold against every unit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runbook/gate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = rollout::runbook::parse_gate_syntax(text);
  if (!parsed.gate) {
    // The error points into the text (or just past its end).
    if (parsed.error.empty() || parsed.error_offset > text.size()) __builtin_trap();
    return 0;
  }
  using rollout::runbook::Unit;
  for (Unit u : {Unit::ratio, Unit::seconds, Unit::bytes, Unit::count}) {
    (void)rollout::runbook::gate_threshold(*parsed.gate, u);
    (void)rollout::runbook::dimension_of(u);
  }
  return 0;
}
