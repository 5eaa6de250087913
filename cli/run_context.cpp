// Running the engine from the command line: state directory, lock, world, console.
#include "run_context.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/duration.hpp"
#include "engine/engine.hpp"
#include "engine/position.hpp"
#include "fakes/scenario.hpp"
#include "fakes/scripted_world.hpp"
#include "fakes/virtual_clock.hpp"
#include "providers/factory.hpp"
#include "providers/process.hpp"
#include "report/report.hpp"
#include "runbook/load.hpp"
#include "state/file_control.hpp"
#include "state/file_store.hpp"
#include "state/layout.hpp"
#include "state/lock.hpp"
#include "state/real_clock.hpp"
#include "state/signals.hpp"
#include "view/console.hpp"
#include "view/github_annotations.hpp"

namespace rollout::cli {

namespace fs = std::filesystem;

void print_error(const std::string& message) {
  fmt::print(stderr, "rollout: error: {}\n", message);
}

bool interactive() {
  const char* ci = std::getenv("CI");
  if (ci && *ci && std::string(ci) != "false" && std::string(ci) != "0") return false;
  return ::isatty(0) == 1;
}

namespace {

std::string stamp_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

Result<void> copy_private(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) return make_error("cannot read " + from);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return state::write_file_atomic(to, content);
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
  for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", d.str());
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
  fmt::print(stderr,
             "rollout: error: the rollback is incomplete; a person must act. Still to do:\n");
  for (const auto& u : pos.undone) fmt::print(stderr, "  - {}\n", u);
  fmt::print(stderr, "Fix the cause, then `rollout abort {}` retries what is left.\n", pos.name);
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
  if (start) {
    runbook::LoadOptions lo;
    lo.require_env = true;
    auto pre = runbook::load_runbook(runbook_path, lo);
    if (!report_load(pre)) return to_int(ExitCode::usage);
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
      if (auto r = store_ptr->archive(stamp_now()); !r) {
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

  // The runbook as started (a resume runs what was started, not an edited file).
  runbook::LoadOptions lo;
  lo.require_env = true;
  auto loaded = runbook::load_runbook(runbook_path, lo);
  if (!report_load(loaded)) return to_int(ExitCode::usage);
  runbook::Runbook& book = *loaded.runbook;
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

  fakes::Scenario scenario;
  if (!scenario_path.empty()) {
    auto sc = fakes::load_scenario(scenario_path);
    if (!sc) {
      print_error(sc.error().message);
      return to_int(ExitCode::usage);
    }
    scenario = std::move(*sc);
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
  std::unique_ptr<fakes::ScriptedWorld> fake_world;
  std::optional<World> world;
  fakes::VirtualClock* vclock = nullptr;
  if (dry_run) {
    auto vc = std::make_unique<fakes::VirtualClock>(std::chrono::system_clock::now());
    vclock = vc.get();
    clock = std::move(vc);
    fake_world = std::make_unique<fakes::ScriptedWorld>(book, std::move(scenario), *vclock,
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
    clock = std::make_unique<state::RealClock>();
  }
  state::install_signal_handlers();
  // A second Ctrl-C also stops a command in flight (the rollback is left as it stands).
  state::on_repeated_interrupt(&providers::request_hard_stop);
  state::FileControlChannel control(state::control_dir(dir), is_interactive);
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
      fmt::print(stderr, "rollout: warning: report not written: {}\n", r.error().message);
    if (code == ExitCode::rollback_failed) print_undone(events);
  }
  return to_int(code);
}

int request_or_run(const GlobalOptions& g, const std::string& name_arg, ControlRequest request) {
  const char* verb = request.kind == ControlRequest::Kind::advance ? "advance" : "abort";
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
  if (auto holder = state::lock_holder(dir)) {
    auto path = state::write_request(state::control_dir(dir), request);
    if (!path) {
      print_error(path.error().message);
      return to_int(ExitCode::usage);
    }
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    if (holder->pid > 0 && holder->host == host) ::kill(holder->pid, SIGUSR1);
    // The runner takes requests within a second; say whether it did.
    for (int i = 0; i < 20 && fs::exists(*path); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (fs::exists(*path)) {
      fmt::print(stderr, "{} request recorded for {} ({}); it has not been taken yet\n", verb,
                 *name, holder->describe());
    } else if (!g.quiet) {
      fmt::print(stderr, "{} request taken by the runner ({})\n", verb, holder->describe());
    }
    return to_int(ExitCode::ok);
  }
  DriveRequest d;
  d.mode = DriveRequest::Mode::resume;
  d.name = *name;
  d.first = std::move(request);
  d.verb = verb;
  return drive(g, d);
}

}  // namespace rollout::cli
