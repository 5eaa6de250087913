// The exec source kind: its keys, checks and plan output.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runbook/describe.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/source_spec.hpp"

namespace rollout::runbook {

void parse(KindTable& k, ExecSourceSpec& spec) {
  k.require("command");
  if (auto c = k.r.strings(k.t, "command")) {
    if (c->empty()) k.r.error(Reader::pos(*k.t.get("command")), "'command' is empty");
    spec.command = *c;
  }
}

std::optional<std::string> incomplete(const ExecSourceSpec& spec) {
  if (spec.command.empty()) return "a command";
  return std::nullopt;
}

void plan_fields(const ExecSourceSpec& spec, const Expander& ex, nlohmann::json& out) {
  if (!spec.command.empty()) out["command"] = display(spec.command, ex);
}

std::string plan_line(const ExecSourceSpec& spec, const char*, const Expander& ex) {
  return fmt::format("exec {} (timeout {})", quote_argv(display(spec.command, ex)),
                     format_duration(spec.timeout));
}

}  // namespace rollout::runbook
