// Turning a metric Reading into a gate Outcome, and counting consecutive outcomes per gate
// (failure / inconclusive / error limits, `for` windows) to decide when a gate is breached.
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

// Consecutive counters of one gate during one hold. A pass resets everything. A fail
// resets the inconclusive and error counters; inconclusive and error reset each other but
// not the fail counter (not knowing is not passing). With a `for` window a fail counts
// only once the gate has been failing (uninterrupted by a pass) for that long.
// A breach that only notifies opens an episode: no further breach until a pass ends it.
class GateTracker {
 public:
  struct Breach {
    events::BreachCounter counter = events::BreachCounter::failure;
    int limit = 0;
  };
  void record(Outcome outcome, Duration now, const runbook::Gate& gate);
  // Which limit, if any, the latest record reached (none while an episode is open).
  std::optional<Breach> breached(const runbook::Stage& stage) const;
  void notified() { episode_ = true; }  // after a breach that only notifies
  bool in_episode() const { return episode_; }
  int fails() const { return fails_; }
  int inconclusives() const { return inconclusives_; }
  int errors() const { return errors_; }
  std::optional<Outcome> latest() const { return latest_; }

 private:
  int fails_ = 0;
  int inconclusives_ = 0;
  int errors_ = 0;
  std::optional<Duration> failing_since_;
  std::optional<Outcome> latest_;
  bool episode_ = false;
};

}  // namespace rollout::engine
