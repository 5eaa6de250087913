// What the kind headers (router_spec.hpp, source_spec.hpp) share: positions, durations, and
// the types their per-kind functions name without needing their definitions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/duration.hpp"
#include "runbook/pos.hpp"

namespace rollout {
class Expander;  // core/template.hpp
}

namespace rollout::runbook {
using namespace std::chrono_literals;
class KindTable;  // runbook/kind_table.hpp: a kind's TOML table, for its parse()
}  // namespace rollout::runbook
