// Replaying a journal into a Position.
#include "engine/position.hpp"

#include <algorithm>

#include "core/json_get.hpp"

namespace rollout::engine {

namespace {

std::int64_t int_of(const nlohmann::json& data, const char* key, std::int64_t fallback) {
  auto it = data.find(key);
  return it != data.end() && it->is_number() ? it->get<std::int64_t>() : fallback;
}
bool bool_of(const nlohmann::json& data, const char* key, bool fallback) {
  auto it = data.find(key);
  return it != data.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace

const char* to_string(Phase phase) {
  switch (phase) {
    case Phase::before:
      return "before";
    case Phase::hold:
      return "hold";
    case Phase::after:
      return "after";
    case Phase::rollback:
      return "rollback";
    case Phase::done:
      return "done";
  }
  return "done";
}

bool Position::final() const {
  // A rollback finished on a failing journal ended the rollout too (exit 6 says a person
  // must look at the state directory), once its end is in the journal.
  return outcome == "completed" || outcome == "rolled_back" || outcome == "aborted" ||
         outcome == "preflight_failed" || (outcome == "journal_failed" && phase == Phase::done);
}

nlohmann::json Position::to_json() const {
  nlohmann::json j = {
      {"name", name},
      {"runbook", runbook},
      {"dry_run", dry_run},
      {"stage_index", stage},
      {"stage", stage_name},
      {"phase", engine::to_string(phase)},
      {"step", step},
      {"awaiting_approval", awaiting_approval},
      {"split", {{"stable", split.stable}, {"canary", split.canary}}},
      {"last_seq", last_seq},
      {"t_ms", last_t_ms},
  };
  if (hold_remaining_ms >= 0) j["hold_remaining_ms"] = hold_remaining_ms;
  if (!rollback_trigger.empty()) j["rollback_trigger"] = rollback_trigger;
  if (!undone.empty()) j["undone"] = undone;
  j["status"] = outcome.empty() ? "running" : outcome;
  if (exit_code >= 0) j["exit_code"] = exit_code;
  if (!reason.empty()) j["reason"] = reason;
  return j;
}

void Replayer::apply(const Event& e) {
  Position& p = p_;
  std::int64_t& hold_start_t = hold_start_t_;
  std::int64_t& hold_start_remaining = hold_start_remaining_;
  {
    const auto& d = e.data;
    p.last_t_ms = std::max(p.last_t_ms, e.t_ms);
    p.last_seq = std::max(p.last_seq, e.seq);
    switch (e.type) {
      case EventType::rollout_started: {
        const bool resumed = bool_of(d, "resumed", false);
        if (!resumed || !p.started) {
          const std::int64_t t = p.last_t_ms;
          const std::uint64_t s = p.last_seq;
          p = Position{};
          p.last_t_ms = t;
          p.last_seq = s;
        }
        p.started = true;
        p.name = json_string(d, "name");
        p.runbook = json_string(d, "runbook");
        p.dry_run = bool_of(d, "dry_run", false);
        p.outcome.clear();
        p.exit_code = -1;
        p.reason.clear();
        break;
      }
      case EventType::stage_started:
        p.stage = static_cast<int>(int_of(d, "index", p.stage));
        p.stage_name = e.stage;
        p.stage_announced = true;
        p.phase = Phase::before;
        p.step = 0;
        p.hold_remaining_ms = -1;
        p.awaiting_approval = false;
        break;
      case EventType::step_started: {
        const std::string phase = json_string(d, "phase");
        if (phase == "before" || phase == "after") {
          p.phase = phase == "before" ? Phase::before : Phase::after;
          p.step = static_cast<int>(int_of(d, "index", p.step));
        }
        break;
      }
      case EventType::step_finished: {
        const std::string phase = json_string(d, "phase");
        if ((phase == "before" || phase == "after") && bool_of(d, "ok", false)) {
          p.phase = phase == "before" ? Phase::before : Phase::after;
          p.step = static_cast<int>(int_of(d, "index", p.step)) + 1;
        }
        break;
      }
      case EventType::weight_set:
        if (bool_of(d, "ok", false)) {
          p.split.stable = static_cast<int>(int_of(d, "stable", p.split.stable));
          p.split.canary = static_cast<int>(int_of(d, "canary", p.split.canary));
          p.split_known = true;
        }
        break;
      case EventType::hold_started:
        p.phase = Phase::hold;
        hold_start_t = e.t_ms;
        hold_start_remaining = int_of(d, "remaining_ms", int_of(d, "hold_ms", 0));
        p.hold_remaining_ms = hold_start_remaining;
        break;
      case EventType::awaiting_approval:
        p.awaiting_approval = true;
        break;
      case EventType::advanced:
        if (p.phase == Phase::hold) {
          p.phase = Phase::after;
          p.step = 0;
          p.hold_remaining_ms = 0;
          p.awaiting_approval = false;
        }
        break;
      case EventType::paused:
        p.reason = json_string(d, "reason");
        break;
      case EventType::stage_completed:
        p.stage += 1;
        p.stage_name.clear();
        p.stage_announced = false;
        p.phase = Phase::before;
        p.step = 0;
        p.hold_remaining_ms = -1;
        p.awaiting_approval = false;
        break;
      case EventType::rollback_started:
        p.phase = Phase::rollback;
        p.step = 0;
        p.rollback_trigger = json_string(d, "trigger");
        p.rollback_reason = json_string(d, "reason");
        p.undone.clear();
        break;
      case EventType::rollback_step:
        if (bool_of(d, "ok", false)) p.step = static_cast<int>(int_of(d, "index", p.step)) + 1;
        break;
      case EventType::rollback_finished:
        if (bool_of(d, "ok", false)) {
          p.phase = Phase::done;
          p.undone.clear();
        } else {
          p.undone.clear();
          if (auto it = d.find("undone"); it != d.end() && it->is_array())
            for (const auto& u : *it)
              if (u.is_string()) p.undone.push_back(u.get<std::string>());
        }
        break;
      case EventType::completed:
        p.phase = Phase::done;
        break;
      case EventType::finished:
        p.outcome = json_string(d, "outcome");
        p.exit_code = static_cast<int>(int_of(d, "exit_code", -1));
        p.reason = json_string(d, "reason");
        break;
      default:
        break;
    }
    if (p.phase == Phase::hold && e.type != EventType::hold_started)
      p.hold_remaining_ms =
          std::max<std::int64_t>(0, hold_start_remaining - (e.t_ms - hold_start_t));
  }
}

Position replay(const std::vector<Event>& events) {
  Replayer r;
  for (const Event& e : events) r.apply(e);
  return r.position();
}

std::vector<Event> events_from_journal(const std::vector<nlohmann::json>& lines) {
  std::vector<Event> out;
  out.reserve(lines.size());
  for (const auto& line : lines) {
    Event e;
    if (from_json(line, e)) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace rollout::engine
