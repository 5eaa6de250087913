// The report's headline from the fold of a journal (headline.hpp).
#include "report/headline.hpp"

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/units.hpp"
#include "report/format.hpp"

namespace rollout::report {

namespace {

using events::BreachCounter;
using events::FinishedOutcome;

std::string finite_value(const std::optional<double>& v, const std::string& unit) {
  return v && std::isfinite(*v) ? format_measurement(nlohmann::json(*v), unit) : std::string();
}

// "failed 3 times in a row, last value 2.1%": a breach says it best.
std::string breach_detail(const events::BreachAt& b) {
  const BreachCounter c = b.breach.counter;
  const std::string noun = c == BreachCounter::failure || c == BreachCounter::unknown ? "failed"
                           : c == BreachCounter::error ? "could not be measured"
                                                       : "was inconclusive";
  const auto limit = b.breach.limit;
  std::string detail = fmt::format("{} {} time{} in a row", noun, limit, limit == 1 ? "" : "s");
  if (const std::string last = finite_value(b.last, b.unit); !last.empty())
    detail += ", last value " + last;
  return detail;
}

// "; rollback took 4.2s of its 5m budget" once the rollback finished.
std::string rollback_part(const events::Fold& f) {
  if (!f.rollback || !f.rollback->finished) return {};
  const auto& done = *f.rollback->finished;
  std::string rb = fmt::format("; rollback took {}", format_ms(done.duration_ms));
  const auto budget = done.budget_ms ? done.budget_ms : f.rollback->budget_ms;
  if (budget) {
    const bool over = done.over_budget.value_or(done.duration_ms > *budget);
    rb += fmt::format(" of its {} budget{}", format_ms(*budget), over ? " (OVER BUDGET)" : "");
  }
  return rb;
}

}  // namespace

std::int64_t duration_ms(const events::Fold& f) {
  // The engine's clock, which runs on across resumes (not while no one runs the rollout):
  // the same time `status` says it took.
  return f.finished_t_ms.value_or(f.last_t_ms);
}

std::string headline(const events::Fold& f) {
  const std::string& name = f.name;
  const FinishedOutcome outcome = f.finished ? f.finished->outcome : FinishedOutcome::unknown;
  const std::string where =
      f.current_name.empty() ? "" : fmt::format(" at stage {}", f.current_name);
  const std::string why = f.finished ? f.finished->reason : std::string();
  std::string gate_text, detail, last_value;
  if (!f.breaches.empty()) {
    const auto& b = f.breaches.back();
    gate_text = b.breach.gate;
    detail = breach_detail(b);
    last_value = finite_value(b.last, b.unit);
  }
  const bool breach_caused =
      !detail.empty() && (f.rollback ? f.rollback->trigger == events::RollbackTrigger::breach
                                     : outcome == FinishedOutcome::paused);
  auto because = [&](const std::string& fallback) {
    std::string text = !why.empty() ? why : fallback;
    if (breach_caused) {
      if (text.find(gate_text) == std::string::npos)
        text = (text.empty() ? "" : text + ": ") + gate_text + " " + detail;
      else if (text.find("in a row") == std::string::npos)
        text += " (" + detail + ")";
      else if (!last_value.empty())
        text += ", last value " + last_value;
    }
    return text.empty() ? std::string() : ": " + text;
  };
  const std::string rb = rollback_part(f);
  switch (outcome) {
    case FinishedOutcome::completed: {
      std::size_t passed = 0, advanced = 0;
      for (const auto& s : f.stages) {
        if (s.outcome == events::StageOutcome::passed) ++passed;
        if (s.outcome == events::StageOutcome::advanced) ++advanced;
      }
      // "3 stages passed", or "1 stage passed, 2 advanced by an operator": an advance
      // skipped what was left of a hold, which a reader of the report should not miss.
      const std::size_t n = passed + advanced;
      std::string stages = fmt::format("{} stage{} passed", n, n == 1 ? "" : "s");
      if (advanced > 0)
        stages = fmt::format("{} stage{} passed, {} advanced by an operator", passed,
                             passed == 1 ? "" : "s", advanced);
      return fmt::format("{} completed: {} in {}", name, stages, format_ms(duration_ms(f)));
    }
    case FinishedOutcome::rolled_back:
      return fmt::format("{} rolled back{}{}{}", name, where, because("a step failed"), rb);
    case FinishedOutcome::aborted: {
      std::string by, text;
      for (const auto& a : f.actions)
        if (a.action == "abort") {
          by = " by " + a.by;
          text = a.reason;
        }
      if (text.empty() && why.rfind("aborted by", 0) != 0) text = why;
      return fmt::format("{} aborted{}{}{}{}", name, by, where, text.empty() ? "" : ": " + text,
                         rb);
    }
    case FinishedOutcome::paused:
      return fmt::format(
          "{} paused{}{}; `rollout advance {}` continues, `rollout abort {}` rolls back", name,
          where, because(f.paused_reason.value_or("")), name, name);
    case FinishedOutcome::rollback_failed: {
      std::string undone;
      if (f.rollback && f.rollback->finished)
        for (const auto& u : f.rollback->finished->undone)
          undone += (undone.empty() ? "" : ", ") + u;
      return fmt::format("{} ROLLBACK FAILED{}{} — a person must act{}", name, where,
                         because("a rollback step failed"),
                         undone.empty() ? "" : ": not done: " + undone);
    }
    case FinishedOutcome::interrupted:
      return fmt::format("{} interrupted{}{}; `rollout resume {}` continues", name, where,
                         because(""), name);
    default:
      return fmt::format(
          "{} has not finished (journal ends{} after {}): still running, or the "
          "process died; `rollout status {}` tells which",
          name, where, format_duration(Duration{f.last_t_ms}, Rounding::tenths), name);
  }
}

}  // namespace rollout::report
