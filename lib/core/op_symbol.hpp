// A gate's comparison as events carry it, spelled for people.
#pragma once

#include <string>
#include <string_view>

namespace rollout {

// "<", "<=", ">", ">=" from an event's op: "lt", "le", "gt", "ge", or the symbol itself
// (anything else is returned unchanged).
std::string op_symbol(std::string_view op);

}  // namespace rollout
