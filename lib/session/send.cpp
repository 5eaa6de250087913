// advance/abort from another shell (see session.hpp, send): ask the runner, or run here.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "engine/position.hpp"
#include "runbook/load.hpp"
#include "session/open.hpp"
#include "session/reading.hpp"
#include "session/session.hpp"
#include "state/file_control.hpp"
#include "state/layout.hpp"
#include "state/lock.hpp"

namespace rollout::session {

namespace fs = std::filesystem;

namespace {

using SteadyClock = std::chrono::steady_clock;

// How long an abort waits for the runner to take its request, and, once taken, the margin
// over the runbook's rollback budget it waits for the outcome (documented in rollout(1)).
constexpr auto kTakeWithin = std::chrono::seconds(10);
constexpr auto kOutcomeMargin = std::chrono::seconds(30);

engine::Position position_of(const std::string& dir) {
  return read_rollout(dir).position;
}

// The rollback budget of the runbook as started (what the runner has to finish in).
Duration rollback_budget(const std::string& dir) {
  runbook::LoadOptions lo;
  lo.require_env = false;
  auto loaded = runbook::load_runbook(runbook_as_started(dir), lo);
  if (!loaded.ok()) return std::chrono::minutes(5);
  return loaded.runbook->rollback.budget;
}

void progress(const Hooks& hooks, const std::string& line, bool always) {
  if (hooks.progress) hooks.progress(line, always);
}

// Waits until the run `run` no longer holds the lock, then ends with the outcome it
// journaled. Bounded by `bound`: past it, exit 6 (the rollback did not end in its budget).
Result<Ended> wait_for_outcome(const std::string& dir, const std::string& name,
                               const std::string& run, std::chrono::milliseconds bound,
                               const Hooks& hooks) {
  const auto until = SteadyClock::now() + bound;
  while (SteadyClock::now() < until) {
    auto holder = state::lock_holder(dir);
    if (!holder || holder->run != run) {
      const auto pos = position_of(dir);
      if (!pos.final())
        return make_error(
            fmt::format("the runner of {} ended without recording an outcome: `rollout status "
                        "{}` says where it stands, `rollout abort {}` rolls back",
                        name, name, name),
            ErrorKind::uncertain);
      progress(hooks, fmt::format("rollout {}: {} (exit {})", name, pos.status(), pos.exit_code),
               true);
      Ended ended;
      ended.name = name;
      ended.code = static_cast<ExitCode>(pos.exit_code);
      return ended;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return make_error(
      fmt::format("{} has no outcome after {}s (its rollback budget and a margin): the runner "
                  "is still at it; `rollout status {} --watch` shows where",
                  name, std::chrono::duration_cast<std::chrono::seconds>(bound).count(), name),
      ErrorKind::uncertain);
}

// The runner `holder` has the request at `path` (or not) within kTakeWithin.
Result<void> taken(const std::string& path, const state::LockHolder& holder,
                   const std::string& name, const char* verb, bool is_abort) {
  const auto until = SteadyClock::now() + kTakeWithin;
  while (fs::exists(path) && SteadyClock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::error_code ec;
  if (fs::exists(state::discarded_path(path))) {
    fs::remove(state::discarded_path(path), ec);
    return make_error(fmt::format("the runner discarded the {} request: {} holds {} for another "
                                  "run now",
                                  verb, holder.describe(), name),
                      ErrorKind::locked);
  }
  if (fs::remove(path, ec))
    return make_error(
        fmt::format("{} request not taken within {}s by {}: withdrawn. If that runner is stopped "
                    "or hung, `kill -CONT {}` it, or end it (`kill {}`) and `rollout {} {}` "
                    "again: with no runner, {}",
                    verb, kTakeWithin.count(), holder.describe(), holder.pid, holder.pid, verb,
                    name,
                    is_abort ? "abort rolls back itself" : "advance continues the rollout here"),
        ErrorKind::locked);
  return {};
}

}  // namespace

Result<Ended> send(const std::string& state_dir, const std::string& name_arg,
                   ControlRequest request, const Hooks& hooks) {
  const bool is_abort = request.kind == ControlRequest::Kind::abort;
  const char* verb = is_abort ? "abort" : "advance";
  auto existing = existing_rollout(state_dir, name_arg);
  if (!existing) return existing.error();
  const std::string dir = *existing;
  const std::string name = fs::path(dir).filename().string();
  if (auto r = state::check_rollout_files(dir); !r) return with_kind(r.error(), ErrorKind::io);
  auto holder = state::lock_holder(dir);
  if (!holder) {
    Request d;
    d.mode = Request::Mode::resume;
    d.name = name;
    d.first = std::move(request);
    d.verb = verb;
    return run(state_dir, d, hooks);
  }
  if (holder->run.empty())
    return make_error(fmt::format("{} is locked by {}, but its lock record names no run: the "
                                  "request cannot be addressed to it",
                                  name, holder->describe()),
                      ErrorKind::locked);
  const auto bound =
      std::chrono::duration_cast<std::chrono::milliseconds>(rollback_budget(dir) + kOutcomeMargin);
  if (is_abort) {
    const auto pos = position_of(dir);
    if (pos.phase == engine::Phase::rollback && !pos.final()) {
      progress(
          hooks,
          fmt::format("{} is already rolling back ({}); waiting for its outcome (up to {}s)", name,
                      pos.rollback_reason.empty() && pos.rollback_trigger
                          ? std::string(events::to_string(*pos.rollback_trigger))
                          : pos.rollback_reason,
                      bound.count() / 1000),
          true);
      return wait_for_outcome(dir, name, holder->run, bound, hooks);
    }
  }
  auto path = state::write_request(state::control_dir(dir), request, holder->run);
  if (!path) return with_kind(path.error(), ErrorKind::io);
  // Only the pid the kernel says holds the lock is woken, never one a file names.
  if (holder->pid > 0) ::kill(holder->pid, SIGUSR1);
  if (auto r = taken(*path, *holder, name, verb, is_abort); !r) return r.error();
  if (!is_abort) {
    progress(hooks, fmt::format("advance request taken by the runner ({})", holder->describe()),
             false);
    Ended ended;
    ended.name = name;
    return ended;
  }
  progress(hooks,
           fmt::format("abort request taken by the runner ({}); waiting for the rollback (up to "
                       "{}s)",
                       holder->describe(), bound.count() / 1000),
           false);
  return wait_for_outcome(dir, name, holder->run, bound, hooks);
}

}  // namespace rollout::session
