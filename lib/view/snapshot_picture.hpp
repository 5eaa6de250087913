// The picture a snapshot draws (snapshot.hpp), projected from the fold of a rollout's
// events (events/fold.hpp) when it is drawn: what the renderer and the JSON of `status`
// read. Internal to view/.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/fold.hpp"
#include "view/snapshot.hpp"

namespace rollout::view {

inline constexpr std::size_t kTrendLength = 24;  // values kept per gate for the sparkline
inline constexpr std::size_t kRecentEvents = 8;  // events kept for "recent"

struct StageInfo {
  std::string name;
  int weight = 0;
  std::int64_t hold_ms = 0;
  std::string state = "pending";  // pending | running | done | skipped
  std::int64_t started_t_ms = -1;
  std::int64_t duration_ms = -1;
};

// A gate as the fold has it, with its latest value and outcome spelled for showing.
struct GateInfo : events::GateFold {
  nlohmann::json value;    // a number, or null
  std::string value_text;  // for a null value: "no data", "NaN", "+Inf" or "-Inf"
  bool analysis = false;   // a gate of the background [analysis], not the stage's
};

struct RecentEvent {
  std::chrono::system_clock::time_point time;
  std::int64_t t_ms = 0;
  EventType type = EventType::warning;
  std::string stage;
  std::string summary;
};

struct RollbackStepInfo {
  int index = 0;
  std::string kind;
  std::string description;
  bool done = false;
  bool ok = false;
  std::int64_t duration_ms = 0;
  std::int64_t budget_ms = -1;
};

struct Picture {
  std::string name;
  std::string runbook;
  bool dry_run = false;
  bool started = false;
  std::vector<StageInfo> stages;
  int stage_index = -1;
  std::string stage;
  events::Phase phase = events::Phase::starting;  // to_string() spells it for showing
  std::string phase_detail;
  int stable = 100, canary = 0;
  bool weights_known = false;
  std::int64_t hold_ms = -1, hold_end_t_ms = -1;
  std::int64_t approval_deadline_t_ms = -1;
  std::vector<GateInfo> gates;
  std::deque<RecentEvent> recent;  // the last few events, oldest first
  std::vector<RollbackStepInfo> rollback;
  std::string rollback_reason, rollback_trigger;
  std::int64_t rollback_budget_ms = -1;
  std::int64_t rollback_started_t_ms = -1;
  std::optional<bool> rollback_ok;
  std::vector<std::string> undone;
  std::optional<events::FinishedOutcome> outcome;  // set by "finished"
  bool paused_for_approval = false;  // paused at a manual gate: advance, not resume, goes on
  int exit_code = -1;
  std::string reason;
  std::string last_breach;
  std::string step;  // the step running now, if any
  std::int64_t last_t_ms = 0;
  std::chrono::system_clock::time_point last_time{};
  std::uint64_t events = 0;

  // The engine's clock now: the last event's t_ms plus the wall time since it, so the
  // countdown moves between events. A dry run's clock is virtual: it stands still.
  std::int64_t t_now(std::chrono::system_clock::time_point now) const {
    if (dry_run || phase == events::Phase::finished || events == 0) return last_t_ms;
    auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_time).count();
    return last_t_ms + std::max<std::int64_t>(0, since);
  }

  bool holding() const { return phase == events::Phase::holding && hold_end_t_ms >= 0; }

  std::int64_t hold_remaining(std::int64_t t) const {
    return holding() ? std::max<std::int64_t>(0, hold_end_t_ms - t) : -1;
  }

  // Hold time still ahead: the rest of this hold plus every later stage's hold (steps
  // between stages are not known in advance, so this is a lower bound).
  std::int64_t remaining_total(std::int64_t t) const {
    if (phase == events::Phase::finished || phase == events::Phase::rolling_back) return -1;
    std::int64_t total = 0;
    for (std::size_t i = 0; i < stages.size(); ++i) {
      const auto& s = stages[i];
      if (static_cast<int>(i) < stage_index) continue;
      if (static_cast<int>(i) == stage_index) {
        if (holding())
          total += hold_remaining(t);
        else if (s.state == "running" && hold_end_t_ms < 0)
          total += s.hold_ms;
        continue;
      }
      total += s.hold_ms;
    }
    return total;
  }
};

// The picture of a fold and the events kept for "recent".
Picture picture_of(const events::Fold& fold, const std::deque<RecentEvent>& recent);

}  // namespace rollout::view

namespace rollout {

// What a snapshot keeps: the fold, and the last few events for "recent".
struct Snapshot::Data {
  events::Fold fold{events::FoldOptions{view::kTrendLength}};
  std::deque<view::RecentEvent> recent;
};

}  // namespace rollout
