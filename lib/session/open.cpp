// Opening a rollout's state for a run (see open.hpp).
#include "session/open.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/utc_time.hpp"
#include "session/backend.hpp"
#include "session/reading.hpp"
#include "state/layout.hpp"

namespace rollout::session {

namespace fs = std::filesystem;

namespace {

Result<void> copy_private(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) return make_error("cannot read " + from, ErrorKind::io);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (auto r = write_file_atomic(to, content); !r) return with_kind(r.error(), ErrorKind::io);
  return {};
}

// Whether this run may go on from what the journal says; a start moves an old one aside.
Result<void> check_position(Opened& o, const Opening& how,
                            const std::optional<nlohmann::json>& state) {
  const engine::Position& pos = o.position;
  if (how.start) {
    if (pos.started && !pos.final() && !how.dry_run)
      return make_error(
          fmt::format("rollout {} is unfinished ({}{}): `rollout resume {}` continues it, "
                      "`rollout abort {}` rolls it back",
                      o.name, pos.status(),
                      pos.stage_name.empty() ? "" : " in stage " + pos.stage_name, o.name, o.name),
          ErrorKind::refused);
    if (!o.journal.empty()) {
      if (auto r = o.store->archive(utc_stamp(std::chrono::system_clock::now())); !r)
        return with_kind(r.error(), ErrorKind::io);
      o.journal.clear();
    }
    return {};
  }
  if (!pos.started)
    return make_error(fmt::format("{} has no journal to {} from", o.dir, how.verb),
                      ErrorKind::refused);
  if (pos.final())
    return make_error(fmt::format("rollout {} already ended ({}, exit {}): nothing to {}", pos.name,
                                  pos.status(), pos.exit_code, how.verb),
                      ErrorKind::refused);
  // A journal that does not read cleanly up to its end leaves the position uncertain:
  // nothing moves toward the canary on it; an abort (the safe direction) still runs.
  if (how.aborting) return {};
  if (o.damage)
    return make_error(
        fmt::format("journal damaged at {}: where the rollout stands is uncertain, so it is "
                    "not {}d; `rollout abort {}` rolls back",
                    o.damage->describe(o.store->journal_path()), how.verb, pos.name),
        ErrorKind::uncertain);
  if (state)
    if (auto behind = state::journal_behind_state(*state, pos.last_seq))
      return make_error(fmt::format("{}, so it is not {}d; `rollout abort {}` rolls back", *behind,
                                    how.verb, pos.name),
                        ErrorKind::uncertain);
  return {};
}

}  // namespace

Result<std::string> existing_rollout(const std::string& state_dir, const std::string& name_arg) {
  auto name = state::pick_rollout(state_dir, name_arg);
  if (!name) return name.error();
  std::string dir = state::rollout_dir(state_dir, *name);
  if (!fs::exists(dir))
    return make_error(fmt::format("no rollout named '{}' in {}", *name, state_dir));
  return dir;
}

Result<Opened> open_rollout(const std::string& dir, const Opening& how,
                            const std::function<void(const std::string&)>& warning) {
  if (auto r = state::ensure_private_dir(dir); !r) return with_kind(r.error(), ErrorKind::io);
  Opened o;
  o.dir = dir;
  o.name = fs::path(dir).filename().string();
  // The lock: whoever holds it executes steps.
  auto attempt = take_lock(dir);
  if (attempt.holder)
    return make_error(
        fmt::format("{} is locked by another process: {}", o.name, attempt.holder->describe()),
        ErrorKind::locked);
  if (!attempt.lock) return make_error(attempt.error, ErrorKind::io);
  o.lock = std::move(attempt.lock);

  // A rehearsal's state is kept (status and report work on it) but not fsync'd. For a
  // resume the journal says whether it is one; the store is reopened then.
  o.store = open_store(dir, !how.dry_run);
  auto read = read_store(*o.store);
  if (!read) return read.error();
  o.journal = std::move(read->events);
  o.damage = read->damage;
  o.position = std::move(read->position);
  if (auto r = check_position(o, how, read->state); !r) return r.error();
  o.dry_run = how.start ? how.dry_run : o.position.dry_run;
  if (!how.start && o.dry_run) o.store = open_store(dir, false);

  o.store->set_lock_check([&lock = *o.lock] { return lock.verify(); });
  // The journal must take records before anything moves (a torn last line is set aside
  // here). A start is refused by its preflight; a resume refuses; an abort still rolls back.
  o.writable = o.store->open();
  if (!o.writable && !how.start && !how.aborting)
    return make_error(fmt::format("{}: nothing is changed; make the journal writable (or free "
                                  "space), then `rollout {} {}` again (`rollout abort` rolls back)",
                                  o.writable.error().message, how.verb, o.position.name),
                      ErrorKind::uncertain);
  if (o.store->torn_bytes() > 0 && warning)
    warning(
        fmt::format("the journal's last line was torn ({} bytes: a crash mid-write); kept in "
                    "{}.torn, the journal goes on from its last full line",
                    o.store->torn_bytes(), o.store->journal_path()));
  return o;
}

Result<void> keep_as_started(const std::string& dir, const std::string& runbook,
                             const std::string& scenario) {
  if (auto r = copy_private(runbook, runbook_as_started(dir)); !r) return r;
  std::error_code ec;
  fs::remove(fs::path(dir) / "scenario.toml", ec);
  if (scenario.empty()) return {};
  return copy_private(scenario, (fs::path(dir) / "scenario.toml").string());
}

std::string runbook_as_started(const std::string& dir) {
  return (fs::path(dir) / "runbook.toml").string();
}

std::string scenario_as_started(const std::string& dir) {
  const fs::path p = fs::path(dir) / "scenario.toml";
  return fs::exists(p) ? p.string() : std::string();
}

}  // namespace rollout::session
