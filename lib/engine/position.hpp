// Where a rollout stands, rebuilt from its journal alone: what `resume`, `abort`, `advance`
// and `status` act on. The journal is the truth; state.json is a copy of this for speed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/gate_eval.hpp"
#include "events/event.hpp"
#include "ports/router.hpp"

namespace rollout::engine {

enum class Phase {
  before,    // running stage `stage`'s before steps from `step` (then its weight)
  hold,      // the stage's weight is set; holding (hold_remaining_ms left)
  after,     // running the after steps from `step`
  rollback,  // running [rollback] steps from `step`
  done,      // nothing left to do (see outcome)
};
const char* to_string(Phase phase);

// A gate's counters as of its latest gate_measured: a resumed hold or analysis goes on
// counting from them (a budget half spent before a crash stays half spent).
struct GateCarry {
  GateTracker::Counts counts;
  std::optional<Outcome> latest;
};

struct Position {
  bool started = false;  // a rollout_started was seen
  std::string name;      // rollout name
  std::string runbook;   // path as started
  bool dry_run = false;
  int stage = 0;  // index into Runbook::stages
  std::string stage_name;
  bool stage_announced = false;  // stage_started was emitted for `stage`
  Phase phase = Phase::before;
  int step = 0;                         // next step to run in the phase
  std::int64_t hold_remaining_ms = -1;  // -1: the stage's whole hold
  bool awaiting_approval = false;
  Split split{100, 0};  // last split the router confirmed
  bool split_known = false;
  std::optional<events::RollbackTrigger> rollback_trigger;  // set once a rollback started
  std::string rollback_reason;
  std::vector<std::string> undone;                 // after a failed rollback
  std::optional<events::FinishedOutcome> outcome;  // last `finished` outcome; unset: running
  int exit_code = -1;                              // last `finished` exit code
  std::string reason;                              // last `finished`/`paused` reason
  std::int64_t last_t_ms = 0;
  std::uint64_t last_seq = 0;
  std::map<std::string, GateCarry> stage_gates;     // the current stage's, by gate text
  std::map<std::string, GateCarry> analysis_gates;  // the background analysis's

  // The rollout ended for good: completed, rolled back (also on a failing journal:
  // journal_failed after a finished rollback), aborted, or refused by preflight before
  // touching anything (a failed rollback and a pause or interrupt can continue).
  bool final() const;
  // The outcome's word, or "running".
  std::string status() const;
  nlohmann::json to_json() const;
};

// Builds a Position one event at a time (the engine keeps one current as it emits, so
// it never holds the event history in memory).
class Replayer {
 public:
  void apply(const Event& event);
  const Position& position() const { return p_; }

 private:
  Position p_;
  std::int64_t hold_start_t_ = 0;
  std::int64_t hold_start_remaining_ = 0;
};

// Replays events in order; later rollout_started events with resumed=true continue.
Position replay(const std::vector<Event>& events);
// The journal's JSON lines to events (lines that are not events are skipped).
std::vector<Event> events_from_journal(const std::vector<nlohmann::json>& lines);

}  // namespace rollout::engine
