// Starting and scheduling the gates of a hold or of the background analysis.
#include "engine/gate_run.hpp"

#include <algorithm>

namespace rollout::engine {

std::vector<GateRun> start_gate_runs(const std::vector<runbook::Gate>& gates,
                                     const runbook::GateRules& owner, Duration t0,
                                     std::optional<Duration> end,
                                     const std::map<std::string, GateCarry>& carry) {
  std::vector<GateRun> runs;
  runs.reserve(gates.size());
  for (const auto& g : gates) {
    GateRun run;
    run.gate = &g;
    run.rules = &runbook::rules_of(g, owner);
    run.interval = std::max(run.rules->interval, Duration(100));
    // An explicit initial_delay is kept as written (validation makes it shorter than the
    // hold); the default first measurement is moved up to the end of a short hold.
    if (run.rules->initial_delay)
      run.next = t0 + *run.rules->initial_delay;
    else
      run.next = end ? std::min(t0 + run.interval, *end) : t0 + run.interval;
    if (auto c = carry.find(g.text); c != carry.end())
      run.tracker.restore(c->second.counts, c->second.latest);
    runs.push_back(std::move(run));
  }
  return runs;
}

std::optional<Duration> next_due(const std::vector<GateRun>& runs) {
  std::optional<Duration> due;
  for (const auto& r : runs)
    if (!due || r.next < *due) due = r.next;
  return due;
}

void schedule_after(GateRun& run, Duration now) {
  while (run.next <= now) run.next += run.interval;
}

}  // namespace rollout::engine
