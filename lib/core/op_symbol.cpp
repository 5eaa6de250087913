// Comparison symbols (op_symbol.hpp).
#include "core/op_symbol.hpp"

namespace rollout {

std::string op_symbol(std::string_view op) {
  if (op == "lt") return "<";
  if (op == "le") return "<=";
  if (op == "gt") return ">";
  if (op == "ge") return ">=";
  return std::string(op);
}

}  // namespace rollout
