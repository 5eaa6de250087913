// Turning a metric Reading into a gate Outcome, and counting outcomes per gate (limits in a
// row, budgets in all, `for` windows) to decide when a gate is breached.
#pragma once

#include <optional>
#include <string>

#include "core/outcome.hpp"
#include "events/enums.hpp"
#include "ports/metric_source.hpp"
#include "runbook/model.hpp"

namespace rollout::engine {

// A finite value is compared with the threshold; NaN/±Inf are inconclusive; empty follows
// check.no_data; error is error. `samples`, when the check has a samples_query and a
// min_samples, must reach min_samples or the measurement is inconclusive. A value its unit
// cannot take (a ratio outside [0, 1], a negative duration, size or count) is an error,
// never a pass or a fail: the source is broken; `why`, when given, is told so.
Outcome evaluate(const Reading& reading, const runbook::Gate& gate, const runbook::Check& check,
                 const std::optional<Reading>& samples = std::nullopt, std::string* why = nullptr);

// Why `value` cannot be a measurement in `unit`, or nullopt when it can.
std::optional<std::string> impossible_value(double value, runbook::Unit unit);

bool compare(double value, runbook::CompareOp op, double threshold);

// The counters of one gate over one hold (or one background analysis): in a row, for the
// limits, and in all, for the budgets. A pass resets the in-a-row counters. A fail resets
// the inconclusive and error streaks; inconclusive and error reset each other but not the
// fail streak (not knowing is not passing). With a `for` window a fail counts (in a row
// and in all) only once the gate has been failing, uninterrupted by a pass, that long.
// A breach that does not stop the rollout (notify, dry_run, a pause someone continued)
// opens an episode: no further breach until a pass ends it.
class GateTracker {
 public:
  struct Breach {
    events::BreachCounter counter = events::BreachCounter::failure;
    int limit = 0;
    bool in_a_row = true;  // a limit (in a row) rather than a budget (in all)
  };
  // What the journal's gate_measured carries, to carry the counters over a resume.
  struct Counts {
    int fails = 0, inconclusives = 0, errors = 0, successes = 0;  // in a row
    int passes = 0, total_fails = 0, total_inconclusives = 0, total_errors = 0;
  };
  void record(Outcome outcome, Duration now, const runbook::Gate& gate);
  // Which limit or budget, if any, the latest record reached (none while an episode is open).
  // An ignored inconclusive (on_inconclusive = "ignore") never breaches.
  std::optional<Breach> breached(const runbook::GateRules& rules) const;
  void opened_episode() { episode_ = true; }  // after a breach that did not stop the rollout
  bool in_episode() const { return episode_; }
  void restore(const Counts& counts, std::optional<Outcome> latest);
  const Counts& counts() const { return c_; }
  int fails() const { return c_.fails; }
  int inconclusives() const { return c_.inconclusives; }
  int errors() const { return c_.errors; }
  std::optional<Outcome> latest() const { return latest_; }
  // The latest outcome lets the stage promote: a pass, or an inconclusive that is ignored.
  bool passing(const runbook::GateRules& rules) const;

 private:
  Counts c_;
  std::optional<Duration> failing_since_;
  std::optional<Outcome> latest_;
  bool episode_ = false;
};

}  // namespace rollout::engine
