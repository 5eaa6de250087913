// Running the engine from the command line: state directory, lock, world, console.
#include "run_context.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/atomic_file.hpp"
#include "core/duration.hpp"
#include "core/suggest.hpp"
#include "core/utc_time.hpp"
#include "engine/engine.hpp"
#include "engine/position.hpp"
#include "os/real_clock.hpp"
#include "os/signals.hpp"
#include "providers/factory.hpp"
#include "providers/process.hpp"
#include "rehearsal/scenario.hpp"
#include "rehearsal/scripted_world.hpp"
#include "rehearsal/virtual_clock.hpp"
#include "report/report.hpp"
#include "runbook/load.hpp"
#include "state/file_control.hpp"
#include "state/file_store.hpp"
#include "state/layout.hpp"
#include "state/lock.hpp"
#include "view/console.hpp"
#include "view/github_annotations.hpp"

namespace rollout::cli {

namespace fs = std::filesystem;

void print_error(const std::string& message) {
  say(stderr, fmt::format("rollout: error: {}\n", message));  // never throws: stderr may be gone
}

bool interactive() {
  const char* ci = std::getenv("CI");
  if (ci && *ci && std::string(ci) != "false" && std::string(ci) != "0") return false;
  return ::isatty(0) == 1;
}

namespace {

Result<void> copy_private(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) return make_error("cannot read " + from);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return write_file_atomic(to, content);
}

bool ask_yes(const std::string& question) {
  fmt::print(stderr, "{} [y/N] ", question);
  std::fflush(stderr);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

void print_plan_summary(const runbook::Runbook& book) {
  fmt::print(stderr, "{}{}\n", book.rollout.name,
             book.rollout.description.empty() ? "" : ": " + book.rollout.description);
  Duration total{0};
  for (const auto& s : book.stages) {
    fmt::print(stderr, "  {:<12} {:>3}%  hold {:<8} {} gate(s){}\n", s.name, s.weight,
               format_duration(s.hold), s.gates.size(),
               s.advance == runbook::AdvanceMode::manual ? ", manual advance" : "");
    total += s.hold;
  }
  fmt::print(stderr, "  total hold {}; rollback: {} step(s) within {}\n", format_duration(total),
             book.rollback.steps.empty() ? 1 : book.rollback.steps.size(),
             format_duration(book.rollback.budget));
}

// Prints load diagnostics; true when the runbook can run.
bool report_load(const runbook::Loaded& loaded) {
  for (const auto& d : loaded.diagnostics) say(stderr, d.str() + "\n");
  return loaded.ok();
}

ConsoleOptions console_options(const GlobalOptions& g) {
  ConsoleOptions o;
  o.json = g.json();
  o.color = !g.no_color && ::isatty(1) == 1 && !std::getenv("NO_COLOR");
  o.live = !g.json() && ::isatty(1) == 1;
  o.quiet = g.quiet;
  o.verbose = g.verbose;
  return o;
}

void print_undone(const std::vector<Event>& events) {
  const auto pos = engine::replay(events);
  if (pos.outcome != "rollback_failed") return;
  say(stderr, "rollout: error: the rollback is incomplete; a person must act. Still to do:\n");
  for (const auto& u : pos.undone) say(stderr, fmt::format("  - {}\n", u));
  say(stderr,
      fmt::format("Fix the cause, then `rollout abort {}` retries what is left.\n", pos.name));
}

}  // namespace

int drive(const GlobalOptions& g, const DriveRequest& req) {
  using engine::Phase;
  const bool start = req.mode == DriveRequest::Mode::start;
  if (!req.scenario.empty() && !req.dry_run) {
    print_error("--scenario needs --dry-run");
    return to_int(ExitCode::usage);
  }
  if (auto r = state::ensure_private_dir(g.state_dir); !r) {
    print_error(r.error().message);
    return to_int(ExitCode::usage);
  }

  // Which rollout, and its directory.
  std::string runbook_path = req.runbook;
  std::string dir;
  bool dry_run = req.dry_run;
  std::vector<Event> journal;
  runbook::LoadOptions lo;
  lo.require_env = true;
  // A start loads its runbook once, here; a resume loads the copy taken at its start, below.
  std::optional<runbook::Loaded> loaded;
  if (start) {
    loaded = runbook::load_runbook(runbook_path, lo);
    if (!report_load(*loaded)) return to_int(ExitCode::usage);
    const runbook::Loaded& pre = *loaded;
    if (!req.from.empty()) {
      std::vector<std::string> names;
      for (const auto& s : pre.runbook->stages) names.push_back(s.name);
      if (std::find(names.begin(), names.end(), req.from) == names.end()) {
        print_error(fmt::format("--from {}: no such stage in {}{}", req.from, runbook_path,
                                did_you_mean(req.from, names)));
        return to_int(ExitCode::usage);
      }
    }
    dir = state::rollout_dir(g.state_dir, pre.runbook->rollout.name, dry_run);
  } else {
    auto name = state::pick_rollout(g.state_dir, req.name);
    if (!name) {
      print_error(name.error().message);
      return to_int(ExitCode::usage);
    }
    dir = state::rollout_dir(g.state_dir, *name);
    if (!fs::exists(dir)) {
      print_error(fmt::format("no rollout named '{}' in {}", *name, g.state_dir));
      return to_int(ExitCode::usage);
    }
    runbook_path = (fs::path(dir) / "runbook.toml").string();
  }
  if (auto r = state::ensure_private_dir(dir); !r) {
    print_error(r.error().message);
    return to_int(ExitCode::usage);
  }

  // The lock: whoever holds it executes steps.
  auto attempt = state::RolloutLock::acquire(dir, state::LockHolder::self());
  if (attempt.holder) {
    print_error(fmt::format("{} is locked by another process: {}",
                            fs::path(dir).filename().string(), attempt.holder->describe()));
    return to_int(ExitCode::locked);
  }
  if (!attempt.lock) {
    print_error(attempt.error);
    return to_int(ExitCode::usage);
  }
  // A rehearsal's state is kept (status and report work on it) but not fsync'd. For a
  // resume the journal says whether it is one; the store is reopened then.
  auto store_ptr = std::make_unique<state::FileStateStore>(dir, !dry_run);
  state::FileStateStore& store_ref = *store_ptr;
  std::optional<state::JournalDamage> damage;
  {
    auto read = store_ref.read_journal();
    if (!read) {
      print_error(read.error().message);
      return to_int(ExitCode::usage);
    }
    journal = engine::events_from_journal(read->lines);
    damage = read->damage;
  }
  const engine::Position pos = engine::replay(journal);

  if (start) {
    if (pos.started && !pos.final() && !dry_run) {
      print_error(fmt::format(
          "rollout {} is unfinished ({}{}): `rollout resume {}` continues it, `rollout abort {}` "
          "rolls it back",
          fs::path(dir).filename().string(), pos.outcome.empty() ? "running" : pos.outcome,
          pos.stage_name.empty() ? "" : " in stage " + pos.stage_name,
          fs::path(dir).filename().string(), fs::path(dir).filename().string()));
      return to_int(ExitCode::usage);
    }
    if (!journal.empty()) {
      if (auto r = store_ptr->archive(utc_stamp(std::chrono::system_clock::now())); !r) {
        print_error(r.error().message);
        return to_int(ExitCode::usage);
      }
      journal.clear();
    }
  } else {
    if (!pos.started) {
      print_error(fmt::format("{} has no journal to {} from", dir, req.verb));
      return to_int(ExitCode::usage);
    }
    if (pos.final()) {
      print_error(fmt::format("rollout {} already ended ({}, exit {}): nothing to {}", pos.name,
                              pos.outcome, pos.exit_code, req.verb));
      return to_int(ExitCode::usage);
    }
    // A journal that does not read cleanly up to its end leaves the position uncertain:
    // nothing moves toward the canary on it; an abort (the safe direction) still runs.
    const bool aborting = req.first && req.first->kind == ControlRequest::Kind::abort;
    if (damage && !aborting) {
      print_error(fmt::format(
          "journal damaged at {}: where the rollout stands is uncertain, so it is not {}d; "
          "`rollout abort {}` rolls back",
          damage->describe(store_ref.journal_path()), req.verb, pos.name));
      return to_int(ExitCode::rollback_failed);
    }
    if (auto st = store_ref.load_state(); st && *st && !aborting) {
      if (auto behind = state::journal_behind_state(**st, pos.last_seq)) {
        print_error(fmt::format("{}, so it is not {}d; `rollout abort {}` rolls back", *behind,
                                req.verb, pos.name));
        return to_int(ExitCode::rollback_failed);
      }
    }
    dry_run = pos.dry_run;
    if (dry_run) store_ptr = std::make_unique<state::FileStateStore>(dir, false);
  }
  state::FileStateStore& store = *store_ptr;
  store.set_lock_check([&lock = *attempt.lock] { return lock.verify(); });
  // The journal must take records before anything moves (a torn last line is set aside
  // here). A start is refused by its preflight; a resume refuses; an abort still rolls back.
  const auto opened = store.open();
  if (!opened && !start && !(req.first && req.first->kind == ControlRequest::Kind::abort)) {
    print_error(fmt::format(
        "{}: nothing is changed; make the journal writable (or free space), then `rollout {} "
        "{}` again (`rollout abort` rolls back)",
        opened.error().message, req.verb, pos.name));
    return to_int(ExitCode::rollback_failed);
  }
  if (store.torn_bytes() > 0)
    say(stderr, fmt::format("rollout: warning: the journal's last line was torn ({} bytes: a crash "
                            "mid-write); kept in {}.torn, the journal goes on from its last full "
                            "line\n",
                            store.torn_bytes(), store.journal_path()));

  // The runbook as started (a resume runs what was started, not an edited file).
  if (!loaded) {
    loaded = runbook::load_runbook(runbook_path, lo);
    if (!report_load(*loaded)) return to_int(ExitCode::usage);
  }
  runbook::Runbook& book = *loaded->runbook;
  const Expander expander = runbook::make_expander(book);

  std::string scenario_path = req.scenario;
  if (start) {
    if (auto r = copy_private(runbook_path, (fs::path(dir) / "runbook.toml").string()); !r) {
      print_error(r.error().message);
      return to_int(ExitCode::usage);
    }
    std::error_code ec;
    fs::remove(fs::path(dir) / "scenario.toml", ec);
    if (!scenario_path.empty()) {
      if (auto r = copy_private(scenario_path, (fs::path(dir) / "scenario.toml").string()); !r) {
        print_error(r.error().message);
        return to_int(ExitCode::usage);
      }
    }
  } else if (dry_run && fs::exists(fs::path(dir) / "scenario.toml")) {
    scenario_path = (fs::path(dir) / "scenario.toml").string();
  }

  rehearsal::Scenario scenario;
  if (!scenario_path.empty()) {
    auto sc = rehearsal::load_scenario(scenario_path, &book);
    for (const auto& d : sc.diagnostics) fmt::print(stderr, "{}\n", d.str());
    if (!sc.ok()) return to_int(ExitCode::usage);
    scenario = std::move(*sc.scenario);
  }

  const bool is_interactive = !dry_run && interactive();
  if (start && !dry_run && is_interactive && !req.yes) {
    print_plan_summary(book);
    if (!ask_yes("Start this rollout?")) {
      fmt::print(stderr, "not started\n");
      return to_int(ExitCode::ok);
    }
  }

  // The world: real providers, or the rehearsal's fakes on a virtual clock.
  std::unique_ptr<Clock> clock;
  std::unique_ptr<rehearsal::ScriptedWorld> fake_world;
  std::optional<World> world;
  rehearsal::VirtualClock* vclock = nullptr;
  if (dry_run) {
    auto vc = std::make_unique<rehearsal::VirtualClock>(std::chrono::system_clock::now());
    vclock = vc.get();
    clock = std::move(vc);
    fake_world = std::make_unique<rehearsal::ScriptedWorld>(book, std::move(scenario), *vclock,
                                                            [&expander](const std::string& q) {
                                                              auto r = expander.expand(q);
                                                              return r ? *r : q;
                                                            });
  } else {
    auto w = make_world(book, expander);
    if (!w) {
      print_error(w.error().message);
      return to_int(ExitCode::usage);
    }
    world = std::move(*w);
    clock = std::make_unique<os::RealClock>();
  }
  os::install_signal_handlers();
  // A second Ctrl-C also stops a command in flight (the rollback is left as it stands).
  os::on_repeated_interrupt(&providers::request_hard_stop);
  state::FileControlChannel control(state::control_dir(dir), is_interactive,
                                    attempt.lock->holder().run);  // drops other runs' requests
  if (auto r = state::ensure_private_dir(state::control_dir(dir)); !r) {
    print_error(r.error().message);
    return to_int(ExitCode::usage);
  }

  std::map<std::string, MetricSource*> sources;
  if (fake_world) {
    sources = fake_world->sources();
  } else {
    for (auto& [name, s] : world->sources) sources[name] = s.get();
  }
  engine::Ports ports{*clock,
                      control,
                      fake_world ? static_cast<Router&>(fake_world->router()) : *world->router,
                      sources,
                      fake_world ? fake_world->health() : *world->health,
                      fake_world ? fake_world->process() : *world->process,
                      fake_world ? fake_world->http() : *world->http,
                      store};
  engine::Options opts;
  opts.dry_run = dry_run;
  opts.interactive = is_interactive;
  opts.from_stage = req.from;
  opts.by = state::whoami();
  opts.auto_approve = dry_run;
  opts.preflight_extra.push_back(
      {{"what", "state directory"},
       {"ok", opened.ok()},
       {"detail", opened ? dir + " writable, locked" : opened.error().message}});
  if (damage)
    opts.journal_damage =
        fmt::format("line {} of {} ({})", damage->line, store.journal_path(), damage->what);

  engine::Engine eng(book, expander, std::move(ports), opts);
  if (fake_world) eng.subscribe(fake_world.get());
  auto console = make_console(console_options(g), book, stdout, stderr);
  eng.subscribe(console.get());
  auto annotations = make_github_annotations(g.json() ? stderr : stdout);
  if (annotations) eng.subscribe(annotations.get());
  std::unique_ptr<EventSink> notifier;
  if (!dry_run && !book.notify.empty()) {
    notifier = make_notifier(book, expander, *world->http);
    eng.subscribe(notifier.get());
  }

  ExitCode code = start ? eng.start() : eng.resume(journal, req.first);
  console.reset();
  // A journal that failed on the run's last records (after the engine's last look): the
  // end is not recorded, so status and resume would not know it. A person must look.
  if (const Trust t = store.trust();
      t.kind == Trust::Kind::journal && code != ExitCode::rollback_failed) {
    print_error(fmt::format("the end of this run is not in the journal ({}); it ended with exit {}",
                            t.why, to_int(code)));
    code = ExitCode::rollback_failed;
  }
  notifier.reset();
  // The reports are rebuilt from the journal, so they say what a crash would leave too.
  if (auto lines = store.journal()) {
    const auto events = engine::events_from_journal(*lines);
    if (auto r = report::write_reports(dir, events); !r)
      say(stderr, fmt::format("rollout: warning: report not written: {}\n", r.error().message));
    if (code == ExitCode::rollback_failed) print_undone(events);
  }
  return to_int(code);
}

namespace {

using Clock = std::chrono::steady_clock;

// How long an abort waits for the runner to take its request, and, once taken, the margin
// over the runbook's rollback budget it waits for the outcome (documented in rollout(1)).
constexpr auto kTakeWithin = std::chrono::seconds(10);
constexpr auto kOutcomeMargin = std::chrono::seconds(30);

engine::Position position_of(const std::string& dir) {
  state::FileStateStore store(dir, false);
  auto lines = store.journal();
  if (!lines) return {};
  return engine::replay(engine::events_from_journal(*lines));
}

// The rollback budget of the runbook as started (what the runner has to finish in).
Duration rollback_budget(const std::string& dir) {
  runbook::LoadOptions lo;
  lo.require_env = false;
  auto loaded = runbook::load_runbook((fs::path(dir) / "runbook.toml").string(), lo);
  if (!loaded.ok()) return std::chrono::minutes(5);
  return loaded.runbook->rollback.budget;
}

// Waits until the run `run` no longer holds the lock, then exits with the outcome it
// journaled. Bounded by `bound`: past it, exit 6 (the rollback did not end in its budget).
int wait_for_outcome(const std::string& dir, const std::string& name, const std::string& run,
                     std::chrono::milliseconds bound) {
  const auto until = Clock::now() + bound;
  while (Clock::now() < until) {
    auto holder = state::lock_holder(dir);
    if (!holder || holder->run != run) {
      const auto pos = position_of(dir);
      if (pos.final()) {
        say(stderr, fmt::format("rollout {}: {} (exit {})\n", name, pos.outcome, pos.exit_code));
        return pos.exit_code;
      }
      print_error(fmt::format(
          "the runner of {} ended without recording an outcome: `rollout status {}` says where "
          "it stands, `rollout abort {}` rolls back",
          name, name, name));
      return to_int(ExitCode::rollback_failed);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  print_error(fmt::format(
      "{} has no outcome after {}s (its rollback budget and a margin): the runner is still at "
      "it; `rollout status {} --watch` shows where",
      name, std::chrono::duration_cast<std::chrono::seconds>(bound).count(), name));
  return to_int(ExitCode::rollback_failed);
}

}  // namespace

int request_or_run(const GlobalOptions& g, const std::string& name_arg, ControlRequest request) {
  const bool is_abort = request.kind == ControlRequest::Kind::abort;
  const char* verb = is_abort ? "abort" : "advance";
  auto name = state::pick_rollout(g.state_dir, name_arg);
  if (!name) {
    print_error(name.error().message);
    return to_int(ExitCode::usage);
  }
  const std::string dir = state::rollout_dir(g.state_dir, *name);
  if (!fs::exists(dir)) {
    print_error(fmt::format("no rollout named '{}' in {}", *name, g.state_dir));
    return to_int(ExitCode::usage);
  }
  if (auto r = state::check_rollout_files(dir); !r) {
    print_error(r.error().message);
    return to_int(ExitCode::usage);
  }
  if (auto holder = state::lock_holder(dir)) {
    if (holder->run.empty()) {
      print_error(
          fmt::format("{} is locked by {}, but its lock record names no run: the request "
                      "cannot be addressed to it",
                      *name, holder->describe()));
      return to_int(ExitCode::locked);
    }
    const auto bound = std::chrono::duration_cast<std::chrono::milliseconds>(rollback_budget(dir) +
                                                                             kOutcomeMargin);
    if (is_abort) {
      const auto pos = position_of(dir);
      if (pos.phase == engine::Phase::rollback && !pos.final()) {
        say(stderr,
            fmt::format("{} is already rolling back ({}); waiting for its outcome (up to "
                        "{}s)\n",
                        *name,
                        pos.rollback_reason.empty() ? pos.rollback_trigger : pos.rollback_reason,
                        bound.count() / 1000));
        return wait_for_outcome(dir, *name, holder->run, bound);
      }
    }
    auto path = state::write_request(state::control_dir(dir), request, holder->run);
    if (!path) {
      print_error(path.error().message);
      return to_int(ExitCode::usage);
    }
    // Only the pid the kernel says holds the lock is woken, never one a file names.
    if (holder->pid > 0) ::kill(holder->pid, SIGUSR1);
    const auto until = Clock::now() + kTakeWithin;
    while (fs::exists(*path) && Clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::error_code ec;
    if (fs::exists(state::discarded_path(*path))) {
      fs::remove(state::discarded_path(*path), ec);
      print_error(
          fmt::format("the runner discarded the {} request: {} holds {} for another run "
                      "now",
                      verb, holder->describe(), *name));
      return to_int(ExitCode::locked);
    }
    if (fs::remove(*path, ec)) {
      print_error(fmt::format(
          "{} request not taken within {}s by {}: withdrawn. If that runner is stopped or hung, "
          "`kill -CONT {}` it, or end it (`kill {}`) and `rollout {} {}` again: with no runner, "
          "{}",
          verb, kTakeWithin.count(), holder->describe(), holder->pid, holder->pid, verb, *name,
          is_abort ? "abort rolls back itself" : "advance continues the rollout here"));
      return to_int(ExitCode::locked);
    }
    if (!is_abort) {
      if (!g.quiet)
        say(stderr, fmt::format("advance request taken by the runner ({})\n", holder->describe()));
      return to_int(ExitCode::ok);
    }
    if (!g.quiet)
      say(stderr, fmt::format("abort request taken by the runner ({}); waiting for the rollback "
                              "(up to {}s)\n",
                              holder->describe(), bound.count() / 1000));
    return wait_for_outcome(dir, *name, holder->run, bound);
  }
  DriveRequest d;
  d.mode = DriveRequest::Mode::resume;
  d.name = *name;
  d.first = std::move(request);
  d.verb = verb;
  return drive(g, d);
}

}  // namespace rollout::cli
