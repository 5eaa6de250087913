// The stage machine: start, resume, stages, before/after steps and the stage weight.
// Holds and gates are in hold.cpp, steps in step_exec.cpp, rollback and endings in
// rollback.cpp.
#include "engine/engine.hpp"

#include <fmt/format.h>

#include "core/utc_time.hpp"
#include "engine/preflight.hpp"
#include "runbook/bindings.hpp"

namespace rollout::engine {

namespace {

// Step boundaries: the journal is fsync'd after these (a crash loses at most the gate
// measurements since the last one, never a decision). A weight step's start is one too:
// no traffic moves toward the canary unless the event before it is durable.
bool is_boundary(const Event& e) {
  switch (e.type) {
    case EventType::gate_measured:
    case EventType::warning:
    case EventType::preflight:
      return false;
    case EventType::step_started:
      return e.as<events::StepStarted>()->kind == "weight";
    default:
      return true;
  }
}

class JournalSink : public EventSink {
 public:
  JournalSink(StateStore& store, const bool& muted) : store_(store), muted_(muted) {}
  void on_event(const Event& event) override {
    // A failed append does not stop the event here (the terminal still shows it): the
    // store remembers it, and the engine acts on trust() at its next poll.
    if (!muted_) (void)store_.append(to_json(event), is_boundary(event));
  }

 private:
  StateStore& store_;
  const bool& muted_;
};

class ReplaySink : public EventSink {
 public:
  explicit ReplaySink(Replayer& r) : r_(r) {}
  void on_event(const Event& event) override { r_.apply(event); }

 private:
  Replayer& r_;
};

}  // namespace

Engine::Engine(const runbook::Runbook& book, const Expander& expander, Ports ports, Options options)
    : book_(book), expander_(expander), ports_(std::move(ports)), opts_(std::move(options)) {
  journal_ = std::make_unique<JournalSink>(ports_.store, journal_muted_);
  replay_sink_ = std::make_unique<ReplaySink>(replayer_);
}

Engine::~Engine() {
  // Every path that ends a run stops them with an event; this is the last line of defence.
  for (const auto& j : jobs_) (void)ports_.process.stop(j.process, j.grace);
}

void Engine::subscribe(EventSink* sink) {
  if (sink) subscribers_.push_back(sink);
}

void Engine::emit(const std::string& stage, std::string summary, events::Payload payload) {
  emitter_->emit(stage, std::move(summary), std::move(payload));
}

void Engine::save_state(const std::string& status) {
  if (journal_muted_) return;
  nlohmann::json state = replayer_.position().to_json();
  state["v"] = 1;
  state["status"] = status;
  state["name"] = book_.rollout.name;
  state["runbook"] = book_.path;
  state["dry_run"] = opts_.dry_run;
  state["updated"] = utc_iso8601(ports_.clock.wall(), /*millis=*/true);
  (void)ports_.store.save_state(state);
}

Expander Engine::expander_for(const runbook::Stage* stage) const {
  // The split in force now (see runbook/bindings.hpp): what `plan` shows for this step.
  return runbook::bind_step(expander_, stage, replayer_.position().split.canary);
}

events::RolloutStarted Engine::started_payload(bool resumed, std::string from_stage) const {
  events::RolloutStarted p{
      book_.path, book_.rollout.name, opts_.dry_run, resumed, std::move(from_stage), opts_.by, {}};
  for (const auto& s : book_.stages) p.stages.push_back({s.name, s.weight, s.hold.count()});
  return p;
}

ExitCode Engine::start() {
  emitter_ = std::make_unique<Emitter>(ports_.clock, 0, 0);
  emitter_->subscribe(journal_.get());
  emitter_->subscribe(replay_sink_.get());
  for (auto* s : subscribers_) emitter_->subscribe(s);
  started_at_ = ports_.clock.now();

  int from = 0;
  if (!opts_.from_stage.empty()) {
    from = -1;
    for (std::size_t i = 0; i < book_.stages.size(); ++i)
      if (book_.stages[i].name == opts_.from_stage) from = static_cast<int>(i);
  }
  emit("",
       fmt::format("{} {}: {} stage{}{}", opts_.dry_run ? "rehearsing" : "starting",
                   book_.rollout.name, book_.stages.size(), book_.stages.size() == 1 ? "" : "s",
                   opts_.from_stage.empty() ? "" : ", from stage " + opts_.from_stage),
       started_payload(false, opts_.from_stage));
  save_state("running");
  if (from < 0) {
    const std::string why = fmt::format("no stage named '{}'", opts_.from_stage);
    emit("", why, events::Warning{why});
    return finish(events::FinishedOutcome::preflight_failed, ExitCode::usage,
                  "no such stage: " + opts_.from_stage);
  }

  if (!opts_.skip_preflight) {
    PreflightInput in{book_, expander_, ports_.router, ports_.sources, ports_.health, false, {}};
    in.allow_any_split = !opts_.from_stage.empty();
    in.extra = opts_.preflight_extra;
    PreflightResult r = run_preflight(in);
    emit("", r.summary(), r.payload());
    if (!r.ok)
      return finish(events::FinishedOutcome::preflight_failed, ExitCode::usage, r.summary());
  }

  Position p;
  p.started = true;
  p.stage = from;
  p.phase = Phase::before;
  const ExitCode code = run(p, false);
  emitter_.reset();
  return code;
}

ExitCode Engine::resume(const std::vector<Event>& journal, std::optional<ControlRequest> first) {
  for (const auto& e : journal) replayer_.apply(e);
  const Position p = replayer_.position();
  emitter_ = std::make_unique<Emitter>(ports_.clock, p.last_t_ms, p.last_seq);
  emitter_->subscribe(journal_.get());
  emitter_->subscribe(replay_sink_.get());
  for (auto* s : subscribers_) emitter_->subscribe(s);
  started_at_ = ports_.clock.now();
  if (!p.started || p.final()) {
    emitter_.reset();
    return ExitCode::usage;
  }
  if (first) pending_.push_front(*first);

  const std::string at =
      p.phase == Phase::rollback ? "the rollback"
      : p.stage < static_cast<int>(book_.stages.size())
          ? fmt::format("stage {} ({})", book_.stages[p.stage].name, to_string(p.phase))
          : "the end";
  emit("", fmt::format("resuming {} at {}", book_.rollout.name, at),
       started_payload(true, p.stage < static_cast<int>(book_.stages.size())
                                 ? book_.stages[p.stage].name
                                 : std::string()));
  save_state("running");
  stop_leftovers(journal);
  const ExitCode code = run(p, true);
  emitter_.reset();
  return code;
}

ExitCode Engine::run(Position from, bool resumed) {
  if (!opts_.journal_damage.empty()) {
    emit("",
         fmt::format("journal damaged at {}: where the rollout stands is uncertain; only a "
                     "rollback (from its first step) is done",
                     opts_.journal_damage),
         events::Warning{"journal damaged at " + opts_.journal_damage});
    if (from.phase == Phase::rollback) from.step = 0;
  }
  if (from.phase == Phase::rollback) {
    // An unknown (or missing) trigger was an operator's: an abort is the safe reading.
    const auto trigger = from.rollback_trigger.value_or(events::RollbackTrigger::abort);
    // A resumed rollback starts over from the first step not known to be done; an abort
    // given now does not change what is left.
    pull_requests();
    std::erase_if(pending_,
                  [](const ControlRequest& r) { return r.kind == ControlRequest::Kind::abort; });
    return rollback(trigger,
                    from.rollback_reason.empty() ? "resumed rollback" : from.rollback_reason,
                    from.step);
  }
  // An abort (or interrupt) given with the resume acts before anything is touched: the
  // canary weight is not put back only to be taken away again.
  if (auto req = take(false)) {
    if (auto flow = on_request(*req, "", false)) return flow->code;
  }
  if (resumed && from.phase != Phase::done) {
    if (auto flow = check_router_on_resume()) return flow->code;
  }
  if (from.phase == Phase::done) {
    // Everything was done before the crash but the ending was not written.
    using events::FinishedOutcome;
    if (!from.rollback_trigger) return finish(FinishedOutcome::completed, ExitCode::ok, "");
    if (events::operator_asked(*from.rollback_trigger))
      return finish(FinishedOutcome::aborted, ExitCode::aborted, from.rollback_reason);
    return finish(FinishedOutcome::rolled_back, ExitCode::rolled_back, from.rollback_reason);
  }
  const int n = static_cast<int>(book_.stages.size());
  for (int i = std::max(0, from.stage); i < n; ++i) {
    Position at;
    if (i == from.stage && from.phase != Phase::done) {
      at = from;
      if (resumed && at.phase == Phase::hold) {
        // The router may have been changed while no one held the lock; the journal's
        // weight is put back (setting a weight twice is harmless).
        if (auto flow = set_stage_weight(book_.stages[i])) return flow->code;
        if (auto flow = restart_background(book_.stages[i])) return flow->code;
      }
    } else if (i == from.stage) {
      continue;
    } else {
      at.stage = i;
      at.phase = Phase::before;
    }
    if (auto flow = run_stage(static_cast<std::size_t>(i), at)) return flow->code;
  }
  emit("",
       fmt::format("{} completed: {}% on the new version", book_.rollout.name,
                   replayer_.position().split.canary),
       events::Completed{(ports_.clock.now() - started_at_).count()});
  return finish(events::FinishedOutcome::completed, ExitCode::ok, "");
}

Engine::Flow Engine::run_stage(std::size_t index, Position& at) {
  const runbook::Stage& stage = book_.stages[index];
  const Duration stage_t0 = ports_.clock.now();
  if (!at.stage_announced || at.stage != static_cast<int>(index)) {
    emit(stage.name,
         fmt::format("stage {} ({}/{}): {}% for {}", stage.name, index + 1, book_.stages.size(),
                     stage.weight, format_duration(stage.hold)),
         events::StageStarted{static_cast<int>(index), stage.weight, stage.hold.count(),
                              stage.rules.interval.count()});
    save_state("running");
    at.phase = Phase::before;
    at.step = 0;
  }
  measurements_ = 0;
  analysis_enter(static_cast<int>(index), at.phase != Phase::before);
  if (at.phase == Phase::before) {
    if (auto flow = run_steps(stage.before, events::StepPhase::before, at.step, stage)) return flow;
    if (auto flow = set_stage_weight(stage)) return flow;
    analysis_enter(static_cast<int>(index), true);
    at.phase = Phase::hold;
    at.hold_remaining_ms = -1;
  }
  if (at.phase == Phase::hold) {
    const std::int64_t remaining =
        at.hold_remaining_ms >= 0 ? at.hold_remaining_ms : stage.hold.count();
    if (auto flow = hold(stage, remaining)) return flow;
    stop_jobs();  // the stage's background processes end with its hold
    at.phase = Phase::after;
    at.step = 0;
  }
  if (at.phase == Phase::after) {
    if (auto flow = run_steps(stage.after, events::StepPhase::after, at.step, stage)) return flow;
  }
  emit(stage.name,
       fmt::format("stage {} done after {}", stage.name,
                   format_duration(ports_.clock.now() - stage_t0)),
       events::StageCompleted{(ports_.clock.now() - stage_t0).count(), measurements_});
  analysis_leave(static_cast<int>(index));
  save_state("running");
  return std::nullopt;
}

Engine::Flow Engine::run_steps(const std::vector<runbook::Step>& steps,
                               events::StepPhase step_phase, int from,
                               const runbook::Stage& stage) {
  const std::string_view phase = events::to_string(step_phase);
  for (int j = std::max(0, from); j < static_cast<int>(steps.size()); ++j) {
    if (auto req = take(false)) {
      if (auto flow = on_request(*req, stage.name, false)) return flow;
    }
    const runbook::Step& step = steps[j];
    const std::string desc = describe(step, &stage);
    const std::string kind = runbook::step_kind(step.action);
    emit(stage.name, fmt::format("{} step: {}", phase, desc),
         events::StepStarted{step_phase, j, kind, desc});
    const Duration t0 = ports_.clock.now();
    StepResult r = execute(step, &stage, std::nullopt, false);
    if (r.stop) return r.stop;
    // Cut short by rollout itself (a background process, the analysis): say by what.
    if (r.request && r.request->by == "rollout" && !r.request->reason.empty())
      r.detail = "cut short: " + r.request->reason;
    events::StepFinished done{
        step_phase, j, kind, desc, r.ok, (ports_.clock.now() - t0).count(), r.detail, r.output};
    emit(stage.name,
         fmt::format("{} step {}: {}{}", phase, r.ok ? "done" : "FAILED", desc,
                     r.detail.empty() ? "" : " (" + r.detail + ")"),
         std::move(done));
    if (r.request) {
      if (auto flow = on_request(*r.request, stage.name, false)) return flow;
    }
    if (!r.ok)
      return Stop{
          rollback(r.trigger, fmt::format("{} step failed: {}: {}", phase, desc, r.detail))};
  }
  return std::nullopt;
}

Engine::Flow Engine::set_stage_weight(const runbook::Stage& stage) {
  StepResult r = exec_weight(stage.weight, stage.name);
  if (r.request) {
    if (auto flow = on_request(*r.request, stage.name, false)) return flow;
  }
  if (!r.ok)
    return Stop{rollback(events::RollbackTrigger::step_failed,
                         fmt::format("setting weight {}% failed: {}", stage.weight, r.detail))};
  return std::nullopt;
}

// ---- control -------------------------------------------------------------------------

void Engine::pull_requests() {
  while (auto r = ports_.control.poll()) {
    if (r->kind == ControlRequest::Kind::interrupt) {
      ++interrupts_;
      if (in_rollback_ && interrupts_ < 2) {
        emit("", "rolling back: interrupt again to stop the rollback (it will be left incomplete)",
             events::Warning{"interrupt during rollback ignored; a second one stops it"});
        continue;
      }
    }
    if (in_rollback_ && r->kind != ControlRequest::Kind::interrupt) {
      emit("", "already rolling back; request ignored",
           events::Warning{fmt::format("{} request from {} ignored during rollback",
                                       r->kind == ControlRequest::Kind::abort ? "abort" : "advance",
                                       r->by)});
      continue;
    }
    pending_.push_back(std::move(*r));
  }
}

std::optional<ControlRequest> Engine::take(bool take_advance) {
  // Trust is checked at every poll, so a hold notices a broken journal or a lost lock
  // within a poll (the real clock wakes at least every 250 ms). A rollback asks for itself.
  check_trust();
  if (distrust_ && !in_rollback_) return distrust_request();
  if (auto job = check_jobs()) return job;
  if (auto breach = check_analysis()) return breach;
  pull_requests();
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->kind == ControlRequest::Kind::advance && !take_advance) continue;
    ControlRequest r = std::move(*it);
    pending_.erase(it);
    return r;
  }
  return std::nullopt;
}

std::optional<ControlRequest> Engine::wait_until(Duration deadline, bool take_advance) {
  for (;;) {
    if (auto r = take(take_advance)) return r;
    if (ports_.clock.now() >= deadline) return std::nullopt;
    ports_.clock.sleep_until(analysis_wake(jobs_wake(deadline)));
  }
}

}  // namespace rollout::engine
