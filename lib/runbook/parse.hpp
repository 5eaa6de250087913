// Internal to lib/runbook: the two passes behind load_runbook. parse_document walks the
// TOML into the model, checking each value where it stands; validate_document checks what
// spans the file (templates, stage order) once everything is read.
#pragma once

#include <toml++/toml.h>

#include "runbook/load.hpp"
#include "runbook/reader.hpp"

namespace rollout::runbook {

struct ParseExtras {
  std::map<std::string, Pos> var_pos;  // where each [vars] entry is defined
};

Runbook parse_document(const toml::table& doc, Reader& r, ParseExtras& extras);
void validate_document(const Runbook& book, const ParseExtras& extras, Reader& r,
                       const LoadOptions& options);

// [router] and [metrics.NAME] over their kinds (router_spec.cpp, source_spec.cpp), then
// [checks.NAME] and [health.NAME] (parse_checks.cpp), in that order.
void parse_router(const toml::table& doc, Runbook& book, Reader& r);
void parse_metrics(const toml::table& doc, Runbook& book, Reader& r);
void parse_checks(const toml::table& doc, Runbook& book, Reader& r);
void parse_health(const toml::table& doc, Runbook& book, Reader& r);

// The engine waits at least this long between measurements or health polls (a shorter
// interval would spin); a runbook asking for less is refused, so plan and start agree.
inline constexpr Duration kShortestInterval{100};
std::string interval_too_short(Duration d);

// Steps of `before`, `after` and `rollback.steps`; `where` names the list in messages.
struct StepContext {
  const Runbook* book = nullptr;
  std::string where;                // "stage 'canary' before", "rollback steps"
  bool background_allowed = false;  // a stage's `before`: run steps may be background
};
std::vector<Step> parse_steps(const toml::array& list, const StepContext& ctx, Reader& r);

// A [[stage]]'s approve_url and approve_headers (parse_approval.cpp), after its advance,
// approval_timeout and interval are read.
void parse_approve_url(const toml::table& t, Stage& s, Reader& r);

// The keys that judge gates (parse_rules.cpp): a stage's, applied to its GateRules, and a
// gate's inline table's, applied to a copy of its stage's. check_rules warns or errors on
// what the rules of table `t` say against their stage (initial_delay past the hold,
// consecutive_successes without early_pass).
const std::vector<std::string>& rule_keys();
void parse_rules(const toml::table& t, GateRules& rules, Reader& r);
void check_rules(const toml::table& t, const GateRules& rules, const Stage& stage, Reader& r);

// The gates at node `n`, resolved against the checks already read: one for an expression,
// two for a range ("10% <= ratio <= 90%": its halves), none after an error. `n` is a string
// or, where `owner` is given (a stage's gates), an inline table { gate = "...", RULES... }
// whose rules start from the owner's.
std::vector<Gate> parse_gate_node(const toml::node& n, const Runbook& book, Reader& r,
                                  const GateRules* owner = nullptr);

// [analysis] (parse_analysis.cpp), after the stages: its from and until name them.
void parse_analysis(const toml::table& doc, Runbook& book, Reader& r);

// Adds "Content-Type: application/json" when the body is JSON and no Content-Type is given.
void default_content_type(std::map<std::string, std::string>& headers, const std::string& body);

// Names, for did-you-mean.
template <class Map>
std::vector<std::string> keys_of(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

}  // namespace rollout::runbook
