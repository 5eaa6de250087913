// One gate as a hold or the background analysis runs it: the rules it is judged by, its
// counters, and when it is measured next. Shared by hold.cpp and analysis.cpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/gate_eval.hpp"
#include "engine/position.hpp"
#include "runbook/model.hpp"

namespace rollout::engine {

struct GateRun {
  const runbook::Gate* gate = nullptr;
  const runbook::GateRules* rules = nullptr;
  GateTracker tracker;
  Duration interval{0};  // at least 100 ms, as the engine measures
  Duration next{0};      // the next measurement
  bool acts() const { return runbook::acts(*rules); }
  // Passes in a row and in all are enough for the stage to promote now.
  bool ready() const {
    return tracker.passing(*rules) && tracker.counts().passes >= rules->min_measurements;
  }
};

// The runs of `gates` starting at t0: the first measurement after initial_delay (default:
// one interval, but never after `end`, so every gate is measured within its hold). Counters
// carried over from the journal (a resume) are restored by gate text.
std::vector<GateRun> start_gate_runs(const std::vector<runbook::Gate>& gates,
                                     const runbook::GateRules& owner, Duration t0,
                                     std::optional<Duration> end,
                                     const std::map<std::string, GateCarry>& carry);

// The earliest `next` of the runs (nullopt: none).
std::optional<Duration> next_due(const std::vector<GateRun>& runs);

// Moves each measured run's `next` past `now` by whole intervals.
void schedule_after(GateRun& run, Duration now);

}  // namespace rollout::engine
