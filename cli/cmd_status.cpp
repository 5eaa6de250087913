// `rollout status [NAME] [--watch | --wait [--timeout D]]`: where a rollout stands, read
// from the state directory without the lock (works while another shell runs it).
#include <unistd.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/duration.hpp"
#include "core/exit_status.hpp"
#include "engine/position.hpp"
#include "os/signals.hpp"
#include "session/reading.hpp"
#include "state/file_store.hpp"
#include "terminal.hpp"
#include "view/console.hpp"
#include "view/snapshot.hpp"

namespace rollout::cli {

namespace {

using session::read_rollout;
using session::Reading;

std::string render_text(const Reading& r, bool color) {
  // What makes the picture below uncertain comes first: it is what an operator must read.
  std::string out;
  if (r.damage)
    out += fmt::format(
        "journal damaged at line {} ({}): where the rollout stands is uncertain; `rollout "
        "resume` refuses, `rollout abort` rolls back\n",
        r.damage->line, r.damage->describe(r.journal_path));
  if (r.state)
    if (auto behind = state::journal_behind_state(*r.state, r.position.last_seq))
      out += *behind + ": `rollout resume` refuses, `rollout abort` rolls back\n";
  Snapshot snap;
  for (const auto& e : r.events) snap.on_event(e);
  SnapshotOptions so;
  so.color = color;
  so.no_runner = r.position.started && !r.position.outcome && !r.holder;
  out += snap.render(so);
  if (!out.empty() && out.back() != '\n') out += '\n';
  out += r.holder ? "runner: " + r.holder->describe() + "\n"
                  : "runner: none (no process holds the lock)\n";
  return out;
}

nlohmann::json render_json(const Reading& r) {
  Snapshot snap;
  for (const auto& e : r.events) snap.on_event(e);
  return {{"state", r.state ? *r.state : nlohmann::json(nullptr)},
          {"position", r.position.to_json()},
          {"lock", r.holder ? r.holder->to_json() : nlohmann::json(nullptr)},
          {"snapshot", snap.to_json()},
          {"journal_damage", r.damage ? nlohmann::json{{"line", r.damage->line},
                                                       {"what", r.damage->what},
                                                       {"file", r.journal_path}}
                                      : nlohmann::json(nullptr)}};
}

// The rollout stopped (ended, paused, interrupted) and no process is running it.
bool settled(const Reading& r) {
  return r.position.outcome && !r.holder;
}

}  // namespace

void add_status(CLI::App& app, const GlobalOptions& g, int& exit_code) {
  auto* cmd =
      app.add_subcommand("status", "Where a rollout stands (works while another shell runs it)");
  struct Opts {
    std::string name;
    bool watch = false;
    bool wait = false;
    std::string timeout;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("name", o->name, "The rollout (may be left out when there is only one)");
  auto* watch =
      cmd->add_flag("--watch", o->watch, "Redraw until it ends (Ctrl-C to stop watching)");
  auto* wait =
      cmd->add_flag("--wait", o->wait, "Block until it ends or pauses; exit with its code");
  cmd->add_option("--timeout", o->timeout, "With --wait: give up after this long (exit 2)")
      ->needs(wait);
  watch->excludes(wait);
  cmd->callback([&g, &exit_code, o] {
    auto at = session::locate_rollout(g.state_dir, o->name);
    if (!at) {
      print_error(at.error().message);
      exit_code = to_int(ExitCode::usage);
      return;
    }
    const std::string& name = at->name;
    const std::string& dir = at->dir;
    print_untrusted(at->untrusted);
    std::optional<Duration> timeout;
    if (!o->timeout.empty()) {
      timeout = parse_duration(o->timeout);
      if (!timeout) {
        print_error("--timeout: bad duration '" + o->timeout + "' (e.g. 30s, 5m)");
        exit_code = to_int(ExitCode::usage);
        return;
      }
    }
    Reading r = read_rollout(dir);
    if (r.events.empty() && !r.state) {
      print_error(fmt::format("no rollout named '{}' in {}", name, g.state_dir));
      exit_code = to_int(ExitCode::usage);
      return;
    }
    const bool color = !g.no_color && ::isatty(1) == 1;
    if (o->wait) {
      const auto t0 = std::chrono::steady_clock::now();
      os::install_signal_handlers();
      while (!settled(r)) {
        if (os::interrupts_received() > 0) {
          exit_code = to_int(ExitCode::interrupted);
          return;
        }
        if (timeout && std::chrono::steady_clock::now() - t0 >= *timeout) {
          print_error(fmt::format("{} still running after {}", name, format_duration(*timeout)));
          exit_code = to_int(ExitCode::usage);
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        r = read_rollout(dir);
      }
      const auto& pos = r.position;
      if (g.json())
        fmt::print("{}\n", render_json(r).dump());
      else if (!g.quiet)
        fmt::print("{}", render_text(r, color));
      exit_code = pos.exit_code >= 0 ? pos.exit_code : to_int(ExitCode::ok);
      return;
    }
    if (o->watch) {
      os::install_signal_handlers();
      for (;;) {
        if (g.json()) {
          fmt::print("{}\n", render_json(r).dump());
        } else {
          if (::isatty(1) == 1) fmt::print("\x1b[H\x1b[2J");
          fmt::print("{}", render_text(r, color));
        }
        std::fflush(stdout);
        if (settled(r) || os::interrupts_received() > 0) break;
        std::this_thread::sleep_for(std::chrono::seconds(1));
        r = read_rollout(dir);
      }
      exit_code = to_int(ExitCode::ok);
      return;
    }
    if (g.json())
      fmt::print("{}\n", render_json(r).dump(2));
    else
      fmt::print("{}", render_text(r, color));
    exit_code = to_int(ExitCode::ok);
  });
}

}  // namespace rollout::cli
