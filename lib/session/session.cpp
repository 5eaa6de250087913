// start and resume in this process (see session.hpp): which rollout, its runbook loaded
// once, its state opened, the world built, the engine run, the reports written.
#include "session/session.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/suggest.hpp"
#include "engine/engine.hpp"
#include "os/signals.hpp"
#include "providers/process.hpp"
#include "rehearsal/scenario.hpp"
#include "report/report.hpp"
#include "runbook/load.hpp"
#include "session/backend.hpp"
#include "session/open.hpp"
#include "session/reading.hpp"
#include "session/world.hpp"
#include "state/file_control.hpp"
#include "state/layout.hpp"

namespace rollout::session {

namespace {

void tell(const std::function<void(const std::string&)>& hook, const std::string& line) {
  if (hook) hook(line);
}

// The runbook, with what its loader said passed on. An Error (usage, no message: the
// diagnostics said it) when it cannot run.
Result<runbook::Runbook> load(const std::string& path, const Hooks& hooks) {
  runbook::LoadOptions lo;
  lo.require_env = true;
  auto loaded = runbook::load_runbook(path, lo);
  for (const auto& d : loaded.diagnostics) tell(hooks.diagnostic, d.str());
  if (!loaded.ok()) return make_error("", ErrorKind::usage);
  return std::move(*loaded.runbook);
}

Result<rehearsal::Scenario> load_scenario(const std::string& path, const runbook::Runbook& book,
                                          const Hooks& hooks) {
  if (path.empty()) return rehearsal::Scenario{};
  auto sc = rehearsal::load_scenario(path, &book);
  for (const auto& d : sc.diagnostics) tell(hooks.diagnostic, d.str());
  if (!sc.ok()) return make_error("", ErrorKind::usage);
  return std::move(*sc.scenario);
}

Result<void> check_from(const Request& req, const runbook::Runbook& book) {
  if (req.from.empty()) return {};
  std::vector<std::string> names;
  for (const auto& s : book.stages) names.push_back(s.name);
  if (std::find(names.begin(), names.end(), req.from) != names.end()) return {};
  return make_error(fmt::format("--from {}: no such stage in {}{}", req.from, req.runbook,
                                did_you_mean(req.from, names)));
}

// After the run: the reports, rebuilt from the journal so they say what a crash would
// leave too, and what a failed rollback left undone.
void write_reports(const state::FileStateStore& store, const std::string& dir, Ended& ended) {
  auto read = read_store(store);
  if (!read) return;
  if (auto r = report::write_reports(dir, read->events); !r)
    ended.report_error = "report not written: " + r.error().message;
  if (ended.code == ExitCode::rollback_failed &&
      read->position.outcome == events::FinishedOutcome::rollback_failed)
    ended.undone = read->position.undone;
}

// The engine on `world`, from the opened state, to its end.
Result<Ended> drive(const Request& req, const Hooks& hooks, Opened& o, const runbook::Runbook& book,
                    const Expander& expander, World& world, bool is_interactive) {
  const bool start = req.mode == Request::Mode::start;
  os::install_signal_handlers();
  // A second Ctrl-C also stops a command in flight (the rollback is left as it stands).
  os::on_repeated_interrupt(&providers::request_hard_stop);
  auto control = open_control(o.dir, is_interactive, o.lock->holder().run);
  if (!control) return control.error();

  engine::Options opts;
  opts.dry_run = o.dry_run;
  opts.interactive = is_interactive;
  opts.from_stage = req.from;
  opts.by = state::whoami();
  opts.auto_approve = o.dry_run;
  opts.preflight_extra.push_back(
      {{"what", "state directory"},
       {"ok", o.writable.ok()},
       {"detail", o.writable ? o.dir + " writable, locked" : o.writable.error().message}});
  if (o.damage)
    opts.journal_damage =
        fmt::format("line {} of {} ({})", o.damage->line, o.store->journal_path(), o.damage->what);

  engine::Engine eng(book, expander, world.ports(**control, *o.store), opts);
  if (auto* l = world.listener()) eng.subscribe(l);
  std::vector<std::unique_ptr<EventSink>> sinks;
  if (hooks.sinks) sinks = hooks.sinks(book);
  for (auto& s : sinks)
    if (s) eng.subscribe(s.get());
  auto notifier = world.notifier();
  if (notifier) eng.subscribe(notifier.get());

  Ended ended;
  ended.name = o.name;
  ended.code = start ? eng.start() : eng.resume(o.journal, req.first);
  sinks.clear();
  // A journal that failed on the run's last records (after the engine's last look): the
  // end is not recorded, so status and resume would not know it. A person must look.
  if (const Trust t = o.store->trust();
      t.kind == Trust::Kind::journal && ended.code != ExitCode::rollback_failed) {
    ended.unrecorded_end =
        fmt::format("the end of this run is not in the journal ({}); it ended with exit {}", t.why,
                    to_int(ended.code));
    ended.code = ExitCode::rollback_failed;
  }
  notifier.reset();
  write_reports(*o.store, o.dir, ended);
  return ended;
}

}  // namespace

Result<Ended> run(const std::string& state_dir, const Request& req, const Hooks& hooks) {
  const bool start = req.mode == Request::Mode::start;
  if (!req.scenario.empty() && !req.dry_run) return make_error("--scenario needs --dry-run");
  if (auto r = state::ensure_private_dir(state_dir); !r) return with_kind(r.error(), ErrorKind::io);

  // Which rollout, and its directory. A start loads its runbook once, here; a resume loads
  // the copy taken at its start, once its state is open.
  std::optional<runbook::Runbook> book;
  std::string dir;
  if (start) {
    auto loaded = load(req.runbook, hooks);
    if (!loaded) return loaded.error();
    if (auto r = check_from(req, *loaded); !r) return r.error();
    book = std::move(*loaded);
    dir = state::rollout_dir(state_dir, book->rollout.name, req.dry_run);
  } else {
    auto existing = existing_rollout(state_dir, req.name);
    if (!existing) return existing.error();
    dir = *existing;
  }

  const bool aborting = req.first && req.first->kind == ControlRequest::Kind::abort;
  auto opened = open_rollout(dir, {start, req.dry_run, aborting, req.verb}, hooks.warning);
  if (!opened) return opened.error();
  Opened& o = *opened;

  std::string scenario_path = req.scenario;
  if (start) {
    if (auto r = keep_as_started(dir, req.runbook, req.scenario); !r) return r.error();
  } else {
    auto loaded = load(runbook_as_started(dir), hooks);
    if (!loaded) return loaded.error();
    book = std::move(*loaded);
    if (o.dry_run) scenario_path = scenario_as_started(dir);
  }
  const Expander expander = runbook::make_expander(*book);
  auto scenario = load_scenario(scenario_path, *book, hooks);
  if (!scenario) return scenario.error();

  const bool is_interactive = !o.dry_run && hooks.interactive;
  if (start && is_interactive && hooks.confirm && !hooks.confirm(*book)) {
    Ended declined;
    declined.started = false;
    declined.name = book->rollout.name;
    return declined;
  }

  auto world = World::make(*book, expander, o.dry_run, std::move(*scenario));
  if (!world) return world.error();
  return drive(req, hooks, o, *book, expander, *world, is_interactive);
}

}  // namespace rollout::session
