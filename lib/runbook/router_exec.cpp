// The exec router kind: its keys, checks, plan output and description.
#include <nlohmann/json.hpp>

#include "runbook/describe.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/router_spec.hpp"

namespace rollout::runbook {

void parse(KindTable& k, ExecRouterSpec& spec) {
  k.require("command");
  if (auto c = k.r.strings(k.t, "command")) {
    if (c->empty())
      k.r.error(Reader::pos(*k.t.get("command")),
                "'command' is empty: give the program and its arguments");
    spec.command = *c;
  }
}

std::optional<std::string> incomplete(const ExecRouterSpec& spec) {
  if (spec.command.empty()) return "a command";
  return std::nullopt;
}

void plan_fields(const ExecRouterSpec& spec, const Expander& ex, nlohmann::json& out) {
  out["command"] = display(spec.command, ex);
}

std::string plan_line(const ExecRouterSpec& spec, const Expander& ex) {
  return "exec " + quote_argv(display(spec.command, ex));
}

std::string plan_call(const ExecRouterSpec& spec, const Expander& ex) {
  return quote_argv(display(spec.command, ex));
}

std::string describe(const ExecRouterSpec& spec) {
  return "exec router " + (spec.command.empty() ? std::string("(no command)") : spec.command[0]);
}

}  // namespace rollout::runbook
