// The file source kind: its keys, checks and plan output.
#include <nlohmann/json.hpp>

#include "runbook/describe.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/source_spec.hpp"

namespace rollout::runbook {

void parse(KindTable& k, FileSourceSpec& spec) {
  k.require("path");
  if (auto p = k.r.string(k.t, "path")) spec.path = *p;
}

std::optional<std::string> incomplete(const FileSourceSpec& spec) {
  if (spec.path.empty()) return "a path";
  return std::nullopt;
}

void plan_fields(const FileSourceSpec& spec, const Expander& ex, nlohmann::json& out) {
  if (!spec.path.empty()) out["path"] = display(spec.path, ex);
}

std::string plan_line(const FileSourceSpec& spec, const char*, const Expander& ex) {
  return "file " + display(spec.path, ex);
}

}  // namespace rollout::runbook
