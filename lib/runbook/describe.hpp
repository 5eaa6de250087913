// Human descriptions of runbook pieces, with templates resolved for display: what `plan`
// prints and what the engine may use as a step's description. Secrets come out as "***";
// a template with no value yet (e.g. ${event.summary}) is shown as written.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/template.hpp"
#include "runbook/model.hpp"

namespace rollout::runbook {

// Expands what can be expanded, keeps the rest raw, redacts secrets. `shell`: each value
// is shown as the quoted word a shell step receives (redacted before quoting).
std::string display(std::string_view raw, const Expander& ex, bool shell = false);
std::vector<std::string> display(const std::vector<std::string>& raw, const Expander& ex);

// An argv as a shell would need it quoted, for reading only: `run` never uses a shell.
std::string quote_argv(const std::vector<std::string>& argv);

// "set traffic 99/1 (stable/canary)", "run ./deploy.sh canary", "kill process named x" …
std::string describe(const Step& step, const Runbook& book, const Expander& ex);

// The longest a step may take by its own limits (timeout, deadline, grace, pause);
// nullopt when it waits for a person.
std::optional<Duration> step_time_limit(const Step& step, const Runbook& book);

// "1%" for a ratio check's 0.01, "200ms" for 0.2 seconds, "12" for a count.
std::string format_threshold(double value, Unit unit);
// A gate's value as a reader writes it: its threshold in the check's unit, or its word
// (true, false, or a string in quotes).
std::string gate_value_text(const Gate& gate, Unit unit);

// Gate rules (describe_rules.cpp): all of them as JSON; the budgets in words ("5 fails, 3
// errors in all", empty without any); and what a gate's own rules change from its
// stage's, in words ("dry run: never acts, every 30s").
nlohmann::json rules_json(const GateRules& r);
std::string budget_words(const GateRules& r);
std::string rules_words(const GateRules& own, const GateRules& owner);
// A stage's initial_delay, min_measurements and on_inconclusive in words.
std::string stage_rules_words(const GateRules& r);

}  // namespace rollout::runbook
