// Describing gate rules for `rollout plan`: every rule as JSON, and in words only where a
// gate's own table differs from its stage.
#include <fmt/format.h>

#include "runbook/describe.hpp"

namespace rollout::runbook {

nlohmann::json rules_json(const GateRules& r) {
  const auto opt_ms = [](const std::optional<Duration>& d) {
    return d ? nlohmann::json(d->count()) : nlohmann::json(nullptr);
  };
  const auto budget = [](int n) { return n > 0 ? nlohmann::json(n) : nlohmann::json(nullptr); };
  return {{"interval_ms", r.interval.count()},
          {"failure_limit", r.failure_limit},
          {"inconclusive_limit", r.inconclusive_limit},
          {"error_limit", r.error_limit},
          {"max_failures", budget(r.max_failures)},
          {"max_inconclusive", budget(r.max_inconclusive)},
          {"max_errors", budget(r.max_errors)},
          {"on_breach", to_string(r.on_breach)},
          {"on_inconclusive",
           r.on_inconclusive ? to_string(*r.on_inconclusive) : to_string(r.on_breach)},
          {"initial_delay_ms", opt_ms(r.initial_delay)},
          {"min_measurements", r.min_measurements},
          {"consecutive_successes", r.consecutive_successes},
          {"dry_run", r.dry_run}};
}

std::string budget_words(const GateRules& r) {
  std::vector<std::string> parts;
  if (r.max_failures > 0) parts.push_back(fmt::format("{} fails", r.max_failures));
  if (r.max_inconclusive > 0) parts.push_back(fmt::format("{} inconclusive", r.max_inconclusive));
  if (r.max_errors > 0) parts.push_back(fmt::format("{} errors", r.max_errors));
  return parts.empty() ? "" : fmt::format("{} in all", fmt::join(parts, ", "));
}

std::string rules_words(const GateRules& own, const GateRules& owner) {
  std::vector<std::string> parts;
  if (own.dry_run) parts.push_back("dry run: never acts");
  if (own.interval != owner.interval) parts.push_back("every " + format_duration(own.interval));
  if (own.initial_delay != owner.initial_delay && own.initial_delay)
    parts.push_back("first after " + format_duration(*own.initial_delay));
  if (own.failure_limit != owner.failure_limit)
    parts.push_back(fmt::format("{} fails in a row", own.failure_limit));
  if (own.inconclusive_limit != owner.inconclusive_limit)
    parts.push_back(fmt::format("{} inconclusive in a row", own.inconclusive_limit));
  if (own.error_limit != owner.error_limit)
    parts.push_back(fmt::format("{} errors in a row", own.error_limit));
  if (own.max_failures != owner.max_failures || own.max_inconclusive != owner.max_inconclusive ||
      own.max_errors != owner.max_errors) {
    const std::string b = budget_words(own);
    parts.push_back(b.empty() ? "no budget" : b);
  }
  if (own.on_breach != owner.on_breach)
    parts.push_back(std::string("on breach ") + to_string(own.on_breach));
  if (own.on_inconclusive != owner.on_inconclusive && own.on_inconclusive)
    parts.push_back(std::string("on inconclusive ") + to_string(*own.on_inconclusive));
  if (own.min_measurements != owner.min_measurements)
    parts.push_back(fmt::format("at least {} passes", own.min_measurements));
  if (own.consecutive_successes != owner.consecutive_successes)
    parts.push_back(fmt::format("{} passes in a row to pass early", own.consecutive_successes));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string stage_rules_words(const GateRules& r) {
  std::vector<std::string> parts;
  if (r.initial_delay)
    parts.push_back("first measured " + format_duration(*r.initial_delay) +
                    " after the weight is set");
  if (r.min_measurements > 0)
    parts.push_back(
        fmt::format("at least {} passes of each gate before promoting", r.min_measurements));
  if (r.on_inconclusive)
    parts.push_back(std::string("on inconclusive: ") + to_string(*r.on_inconclusive));
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace rollout::runbook
