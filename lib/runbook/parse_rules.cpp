// The keys that judge gates: interval, the limits in a row, the budgets in all, what a
// breach or an inconclusive run does, initial_delay, min_measurements,
// consecutive_successes and dry_run. A [[stage]]'s are the defaults of its gates; a gate
// written as an inline table applies its own on top.
#include <fmt/format.h>

#include "core/duration.hpp"
#include "runbook/parse.hpp"

namespace rollout::runbook {

const std::vector<std::string>& rule_keys() {
  static const std::vector<std::string> keys = {
      "interval",        "failure_limit",    "inconclusive_limit", "error_limit",
      "max_failures",    "max_inconclusive", "max_errors",         "on_breach",
      "on_inconclusive", "initial_delay",    "min_measurements",   "consecutive_successes",
      "dry_run"};
  return keys;
}

void parse_rules(const toml::table& t, GateRules& rules, Reader& r) {
  if (auto d = r.duration(t, "interval")) {
    if (*d < kShortestInterval)
      r.error(Reader::pos(*t.get("interval")), interval_too_short(*d));
    else
      rules.interval = *d;
  }
  const auto count = [&](const char* key, int min, int& into) {
    if (auto v = r.integer(t, key, min, 1'000'000)) into = static_cast<int>(*v);
  };
  count("failure_limit", 1, rules.failure_limit);
  count("inconclusive_limit", 1, rules.inconclusive_limit);
  count("error_limit", 1, rules.error_limit);
  count("max_failures", 1, rules.max_failures);
  count("max_inconclusive", 1, rules.max_inconclusive);
  count("max_errors", 1, rules.max_errors);
  count("min_measurements", 1, rules.min_measurements);
  count("consecutive_successes", 1, rules.consecutive_successes);
  if (auto v = r.enumeration<OnBreach>(t, "on_breach",
                                       {{"rollback", OnBreach::rollback},
                                        {"pause", OnBreach::pause},
                                        {"notify", OnBreach::notify}}))
    rules.on_breach = *v;
  if (auto v = r.enumeration<OnInconclusive>(t, "on_inconclusive",
                                             {{"rollback", OnInconclusive::rollback},
                                              {"pause", OnInconclusive::pause},
                                              {"ignore", OnInconclusive::ignore}}))
    rules.on_inconclusive = *v;
  if (auto d = r.duration(t, "initial_delay")) rules.initial_delay = *d;
  if (auto b = r.boolean(t, "dry_run")) rules.dry_run = *b;
}

void check_rules(const toml::table& t, const GateRules& rules, const Stage& stage, Reader& r) {
  // A stage without a hold (or whose hold did not parse) says nothing about the delay.
  if (const toml::node* n = t.get("initial_delay");
      n && rules.initial_delay && stage.hold > Duration(0) && *rules.initial_delay >= stage.hold)
    r.error(Reader::pos(*n), "'initial_delay' of " + format_duration(*rules.initial_delay) +
                                 " is not shorter than the stage's hold (" +
                                 format_duration(stage.hold) +
                                 "): the gate would never be measured");
  if (const toml::node* n = t.get("consecutive_successes"); n && !stage.early_pass)
    r.warning(Reader::pos(*n),
              "'consecutive_successes' has no effect unless the stage says early_pass = true");
}

}  // namespace rollout::runbook
