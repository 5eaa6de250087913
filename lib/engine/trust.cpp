// How the engine acts when it can no longer trust what it knows (StateStore::trust()):
// a journal that cannot be written ends the rollout by rolling back (the safe direction;
// the rollback still tries to record) with exit 6; a lost lock stops everything at once
// (another process may own the rollout now), exit 6, touching neither the router nor the
// rollout's files. On resume, a router that reads less canary than the journal says is
// taken as a journal that lost its last records: nothing moves toward the canary.
#include <fmt/format.h>

#include "engine/engine.hpp"

namespace rollout::engine {

void Engine::check_trust() {
  if (lock_lost()) return;  // nothing is worse; keep the first word on it
  Trust t = ports_.store.trust();
  if (t.ok()) return;
  distrust_ = std::move(t);
}

// What take() hands to the flow so every wait unwinds as it does for an abort; on_request
// sees distrust_ and acts on it instead.
ControlRequest Engine::distrust_request() const {
  return ControlRequest{ControlRequest::Kind::abort, "rollout", distrust_ ? distrust_->why : ""};
}

std::string Engine::unrecorded() const {
  const Trust now = ports_.store.trust();
  const Trust& t = now.kind == Trust::Kind::journal ? now : *distrust_;
  if (t.lost == 0)
    return fmt::format(
        "the journal could not be written ({}); every event of the rollback is "
        "recorded",
        t.why);
  return fmt::format("{} event(s) could not be recorded ({}): the journal is incomplete", t.lost,
                     t.why);
}

Engine::Flow Engine::on_distrust(const std::string& stage) {
  const Trust t = *distrust_;
  if (t.kind == Trust::Kind::lock) {
    // Another process may hold the lock and write the journal now: write nothing more.
    journal_muted_ = true;
    const std::string why = fmt::format(
        "lock lost ({}): another process may own {} now; this one stops without "
        "touching the router",
        t.why, book_.rollout.name);
    emit(stage, why, events::Warning{why});
    emit(stage, fmt::format("lock_lost (exit 6): {}", t.why),
         events::Finished{events::FinishedOutcome::lock_lost, to_int(ExitCode::rollback_failed),
                          why});
    return Stop{ExitCode::rollback_failed};
  }
  const std::string why = fmt::format("journal not durable ({}): rolling back", t.why);
  emit(stage, why, events::Warning{why});
  return Stop{
      rollback(events::RollbackTrigger::journal, "the journal cannot be written: " + t.why)};
}

Engine::Flow Engine::check_router_on_resume() {
  if (opts_.dry_run) return std::nullopt;  // a rehearsal's router starts at 100/0
  auto read = ports_.router.read();
  if (!read) return std::nullopt;  // http and exec routers cannot be read
  const Split journal = replayer_.position().split;
  if (read->canary >= journal.canary) return std::nullopt;
  const std::string why = fmt::format(
      "the router reads {}/{} but the journal says {}/{}: the journal may have lost its last "
      "records; nothing moves toward the canary (`rollout abort {}` rolls back)",
      read->stable, read->canary, journal.stable, journal.canary, book_.rollout.name);
  emit("", why, events::Warning{why});
  return Stop{finish(events::FinishedOutcome::uncertain, ExitCode::rollback_failed, why)};
}

}  // namespace rollout::engine
