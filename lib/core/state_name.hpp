// The name commands take for a rollout: its state directory's. A dry run keeps its state
// apart, in STATE_DIR/NAME.dry-run/, so `status`, `report`, `advance`, `abort` and
// `resume` find it as NAME.dry-run; every hint that names a command uses state_name().
#pragma once

#include <string>
#include <string_view>

namespace rollout {

inline constexpr std::string_view kDryRunSuffix = ".dry-run";

inline std::string state_name(const std::string& name, bool dry_run) {
  return dry_run ? name + std::string(kDryRunSuffix) : name;
}

inline bool is_dry_run_name(std::string_view name) {
  return name.size() >= kDryRunSuffix.size() &&
         name.substr(name.size() - kDryRunSuffix.size()) == kDryRunSuffix;
}

}  // namespace rollout
