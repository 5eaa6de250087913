// Drawing a snapshot (snapshot.hpp): header, stage path, traffic bar, hold progress and
// ETA, gates with trend, rollback progress, recent events, and what the operator can do.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/state_name.hpp"
#include "view/snapshot.hpp"
#include "view/snapshot_picture.hpp"
#include "view/text.hpp"

namespace rollout {

using namespace view;

namespace {

// ▁▂▃▄▅▆▇█ scaled between the smallest and largest value shown; "·" where there was no
// value (inconclusive, error). Each mark is coloured by that measurement's outcome.
std::string sparkline(const std::deque<events::GatePoint>& trend, std::size_t width,
                      const view::Palette& pal) {
  static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  auto finite = [](const events::GatePoint& p) { return p.value && std::isfinite(*p.value); };
  std::size_t first = trend.size() > width ? trend.size() - width : 0;
  double lo = 0, hi = 0;
  bool any = false;
  for (std::size_t i = first; i < trend.size(); ++i) {
    if (!finite(trend[i])) continue;
    const double v = *trend[i].value;
    if (!any || v < lo) lo = v;
    if (!any || v > hi) hi = v;
    any = true;
  }
  std::string out;
  for (std::size_t i = first; i < trend.size(); ++i) {
    std::string mark = "·";
    if (finite(trend[i])) {
      const double v = *trend[i].value;
      int level = hi > lo ? static_cast<int>((v - lo) / (hi - lo) * 7 + 0.5) : 3;
      mark = kBars[std::clamp(level, 0, 7)];
    }
    out += pal.outcome(mark, trend[i].outcome);
  }
  return view::pad_right(out, width);
}

std::string outcome_mark(std::optional<Outcome> outcome) {
  if (!outcome) return "·";
  switch (*outcome) {
    case Outcome::pass:
      return "✓";
    case Outcome::fail:
      return "✗";
    case Outcome::inconclusive:
      return "?";
    case Outcome::error:
      return "!";
  }
  return "·";
}

// A horizontal bar `width` columns wide, `fraction` of it filled.
std::string bar(double fraction, std::size_t width, const view::Palette& pal,
                std::string_view fill_sgr) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  auto filled = static_cast<std::size_t>(fraction * static_cast<double>(width) + 0.5);
  if (fraction > 0 && filled == 0) filled = 1;  // 1 % of traffic is still visible
  if (fraction < 1 && filled == width && width > 0) filled = width - 1;
  return pal.paint(view::repeat("█", filled), fill_sgr) +
         pal.dim(view::repeat("░", width - filled));
}

}  // namespace

std::string Snapshot::render(const SnapshotOptions& options) const {
  const Picture d = picture_of(d_->fold, d_->recent);
  const view::Palette pal{options.color};
  const std::size_t width = static_cast<std::size_t>(std::max(options.width, 40));
  const bool wide = width >= 120;
  const std::int64_t t = options.no_runner ? d.last_t_ms : d.t_now(options.now);
  const bool stopped = options.no_runner && d.phase != events::Phase::finished;
  const std::string name = d.name.empty() ? "(unnamed)" : d.name;
  // The NAME the commands below need (core/state_name.hpp: NAME.dry-run for a dry run).
  const std::string cmd_name = d.name.empty() ? name : state_name(d.name, d.dry_run);
  std::vector<std::string> lines;
  auto add = [&](std::string line) { lines.push_back(view::truncate(line, width)); };

  if (d.events == 0) {
    add(pal.dim("no events yet: the rollout has not started"));
    return lines.front() + "\n";
  }

  // Header: name, stage, what is happening.
  std::string phase(to_string(d.phase));
  std::string phase_col = phase;
  if (d.phase == events::Phase::finished) {
    std::string o = d.outcome ? std::string(to_string(*d.outcome)) : "finished";
    std::replace(o.begin(), o.end(), '_', ' ');
    phase_col = o == "completed" ? pal.green(o) : o == "paused" ? pal.yellow(o) : pal.red(o);
  } else if (d.phase == events::Phase::rolling_back) {
    phase_col = pal.red(phase);
  } else if (d.phase == events::Phase::paused || d.phase == events::Phase::awaiting_approval) {
    phase_col = pal.yellow(phase);
  } else {
    phase_col = pal.cyan(phase);
  }
  std::string stage_part;
  if (d.stage_index >= 0 && !d.stages.empty())
    stage_part =
        fmt::format("stage {}/{} {}", d.stage_index + 1, d.stages.size(), pal.bold(d.stage));
  else if (!d.stage.empty())
    stage_part = "stage " + pal.bold(d.stage);
  std::string header = pal.bold("rollout " + name);
  if (!stage_part.empty()) header += " · " + stage_part;
  header += " · " + phase_col;
  if (!d.phase_detail.empty() && d.phase != events::Phase::finished)
    header += pal.dim(" (" + d.phase_detail + ")");
  if (d.dry_run) header += "  " + pal.yellow("[dry run]");
  add(header);

  // Stages as a path: done ✓, current ●, pending ·.
  if (!d.stages.empty()) {
    std::string path = "stages   ";
    for (std::size_t i = 0; i < d.stages.size(); ++i) {
      const auto& s = d.stages[i];
      if (i) path += pal.dim(" › ");
      std::string label = fmt::format("{} {}%", s.name, s.weight);
      const bool here = static_cast<int>(i) == d.stage_index;
      const bool fell =
          here &&
          (d.rollback_started_t_ms >= 0 ||
           (d.phase == events::Phase::finished && d.outcome != events::FinishedOutcome::completed));
      ;
      if (s.state == "done")
        path += pal.green("✓ " + label);
      else if (fell)
        path += pal.red("✗ " + label);
      else if (static_cast<int>(i) == d.stage_index && d.phase != events::Phase::finished)
        path += pal.bold("● " + label);
      else
        path += pal.dim("· " + label);
    }
    add(path);
  }

  // Traffic split.
  {
    std::string left = fmt::format("traffic  stable {:>3}% ", d.stable);
    std::string right = fmt::format(" {:>3}% canary", d.canary);
    if (!d.weights_known) right += pal.dim(" (not yet set)");
    std::size_t bar_w = width > view::display_width(left) + view::display_width(right) + 10
                            ? width - view::display_width(left) - view::display_width(right)
                            : 10;
    bar_w = std::min<std::size_t>(bar_w, wide ? 100 : 50);
    // The canary's share grows from the right, the stable side fills the rest.
    double canary = static_cast<double>(d.canary) / 100.0;
    auto canary_w = static_cast<std::size_t>(canary * static_cast<double>(bar_w) + 0.5);
    if (d.canary > 0 && canary_w == 0) canary_w = 1;
    if (d.canary < 100 && canary_w == bar_w) canary_w = bar_w - 1;
    std::string b = pal.paint(view::repeat("█", bar_w - canary_w), "34") +
                    pal.paint(view::repeat("█", canary_w), "33");
    if (!pal.on) b = view::repeat("░", bar_w - canary_w) + view::repeat("█", canary_w);
    add(left + b + right);
  }

  // Hold progress and the ETA of the whole rollout.
  if (d.holding()) {
    std::int64_t remaining = d.hold_remaining(t);
    std::int64_t elapsed = std::max<std::int64_t>(0, d.hold_ms - remaining);
    double frac = d.hold_ms > 0 ? static_cast<double>(elapsed) / static_cast<double>(d.hold_ms) : 1;
    std::string tail = fmt::format(" {:>3}%  {} of {} · {} left", static_cast<int>(frac * 100),
                                   view::human_duration(elapsed), view::human_duration(d.hold_ms),
                                   view::human_duration(remaining));
    std::string left = "hold     ";
    std::size_t used = view::display_width(left) + view::display_width(tail);
    std::size_t bar_w = width > used + 10 ? width - used : 10;
    bar_w = std::min<std::size_t>(bar_w, wide ? 100 : 50);
    add(left + bar(frac, bar_w, pal, "36") + tail);
  } else if (d.phase == events::Phase::awaiting_approval) {
    std::string line =
        "hold     done; " + pal.yellow("waiting for approval: rollout advance " + cmd_name);
    if (d.approval_deadline_t_ms >= 0)
      line += fmt::format(" (times out in {})", view::human_duration(std::max<std::int64_t>(
                                                    0, d.approval_deadline_t_ms - t)));
    add(line);
  } else if (!d.step.empty() && d.phase != events::Phase::finished) {
    add("step     " + d.step);
  }
  if (std::int64_t rest = d.remaining_total(t); rest >= 0 && d.phase != events::Phase::paused) {
    std::string line = fmt::format("elapsed  {} · at least {} to go", view::human_duration(t),
                                   view::human_duration(rest));
    if (!d.dry_run && !stopped && d.phase != events::Phase::awaiting_approval)
      line += fmt::format(
          " · ETA {}",
          view::clock_time(options.now + std::chrono::milliseconds(rest), rest < 3'600'000));
    if (d.dry_run) line += pal.dim(" (virtual clock)");
    add(line);
  } else if (d.phase == events::Phase::finished) {
    add(fmt::format("took     {}", view::human_duration(t)));
  }

  // Gates: latest value against threshold, trend, consecutive counters.
  if (!d.gates.empty()) {
    auto shown = [](const GateInfo& g) {
      return g.value_text.empty() ? format_measurement(g.value, g.unit) : g.value_text;
    };
    // Which run a gate belongs to, and whether it can act at all: a dry-run gate's fail
    // is information, not a threat to the rollout.
    auto named = [](const GateInfo& g) {
      return (g.analysis ? "analysis: " : "") + g.gate + (g.dry_run ? " (dry run)" : "");
    };
    std::size_t text_w = 0, value_w = 6;
    for (const auto& g : d.gates) {
      text_w = std::max(text_w, view::display_width(named(g)));
      value_w = std::max(value_w, view::display_width(shown(g)));
    }
    text_w = std::min<std::size_t>(text_w, wide ? 60 : 36);
    std::size_t trend_w = wide ? kTrendLength : 12;
    std::size_t outcome_w = 4;
    for (const auto& g : d.gates)
      outcome_w = std::max(outcome_w, events::outcome_word(g.last_outcome).size());
    add(pal.bold("gates") +
        pal.dim(fmt::format("  (latest value, last {} measurements)", trend_w)));
    for (const auto& g : d.gates) {
      std::string streak;
      if (g.fails)
        streak = fmt::format("{} fail{} in a row", g.fails, g.fails > 1 ? "s" : "");
      else if (g.errors)
        streak = fmt::format("{} error{} in a row", g.errors, g.errors > 1 ? "s" : "");
      else if (g.inconclusives)
        streak = fmt::format("{} inconclusive in a row", g.inconclusives);
      const auto& o = g.last_outcome;
      std::string row = "  " + pal.outcome(outcome_mark(o), o) + " " +
                        view::pad_right(view::truncate(named(g), text_w), text_w) + "  " +
                        view::pad_left(pal.outcome(shown(g), o), value_w) + "  " +
                        sparkline(g.trend, trend_w, pal) + "  " +
                        pal.outcome(view::pad_right(events::outcome_word(o), outcome_w), o);
      if (!streak.empty()) row += " " + streak;
      if (wide && g.min && g.max)
        row += pal.dim(fmt::format("  min {} max {} n={}", format_measurement(*g.min, g.unit),
                                   format_measurement(*g.max, g.unit), g.measurements));
      if (wide && !g.detail.empty() && o != Outcome::pass) row += pal.dim("  " + g.detail);
      add(row);
    }
  }
  if (!d.last_breach.empty() && d.phase != events::Phase::finished)
    add(pal.red("breach   " + d.last_breach));

  // Rollback progress.
  if (d.rollback_started_t_ms >= 0) {
    std::string line = pal.bold("rollback") + " ";
    if (d.rollback_budget_ms >= 0) {
      std::int64_t spent = t - d.rollback_started_t_ms;
      if (d.rollback_ok) {
        spent = 0;
        for (const auto& s : d.rollback) spent += s.duration_ms;
      }
      const bool over = spent > d.rollback_budget_ms;
      std::string budget = fmt::format("{} of {} budget", view::human_duration(spent),
                                       view::human_duration(d.rollback_budget_ms));
      line += (over ? pal.red(budget + " (over)") : budget) + " · ";
    }
    line += d.rollback_reason;
    add(line);
    for (const auto& s : d.rollback) {
      std::string budget =
          s.budget_ms >= 0 ? fmt::format(" / {}", view::human_duration(s.budget_ms)) : "";
      std::string mark = s.ok ? pal.green("✓") : pal.red("✗");
      add(fmt::format("  {} {} {}", mark,
                      pal.dim(fmt::format("{:>7}{}", view::human_duration(s.duration_ms), budget)),
                      s.description.empty() ? s.kind : s.description));
    }
    for (const auto& u : d.undone) add("  " + pal.red("✗ not done: " + u));
  }

  // The last few events.
  if (!d.recent.empty()) {
    add(pal.bold("recent"));
    std::size_t n = wide ? kRecentEvents : 5;
    std::size_t first = d.recent.size() > n ? d.recent.size() - n : 0;
    for (std::size_t i = first; i < d.recent.size(); ++i) {
      const auto& e = d.recent[i];
      std::string when = d.dry_run ? fmt::format("+{:>7}", view::human_duration(e.t_ms))
                                   : view::clock_time(e.time);
      std::string text = e.summary.empty() ? std::string(to_string(e.type)) : e.summary;
      using enum EventType;
      if (e.type == breach || e.type == rollback_started ||
          (e.type == finished && d.outcome != events::FinishedOutcome::completed))
        text = pal.red(text);
      else if (e.type == warning || e.type == paused || e.type == abort_requested)
        text = pal.yellow(text);
      add("  " + pal.dim(when) + "  " + text);
    }
  }

  // What the operator can do now.
  if (stopped) {
    add(pal.red("stopped  no process runs it (its runner was killed, or its machine went down)"));
    add(pal.dim("next     ") + "rollout resume " + cmd_name + pal.dim("  go on from here") +
        pal.dim("  ·  ") + "rollout abort " + cmd_name + pal.dim("  roll back"));
  } else if (d.phase == events::Phase::finished) {
    std::string line = "outcome  " + phase_col;
    if (d.exit_code >= 0) line += fmt::format(" (exit {})", d.exit_code);
    add(line);
    if (!d.reason.empty()) add("why      " + d.reason);
    if (d.paused_for_approval)
      add(pal.dim("next     ") + "rollout advance " + cmd_name + pal.dim("  approve and go on") +
          pal.dim("  ·  ") + "rollout abort " + cmd_name);
    else if (d.outcome == events::FinishedOutcome::paused ||
             d.outcome == events::FinishedOutcome::interrupted)
      add(pal.dim("next     ") + "rollout resume " + cmd_name + pal.dim("  ·  ") +
          "rollout abort " + cmd_name);
    else
      add(pal.dim("report   ") + "rollout report " + cmd_name);
  } else if (d.phase != events::Phase::rolling_back) {
    std::string adv = d.phase == events::Phase::awaiting_approval ? "approve and go on"
                                                                  : "skip the rest of the hold";
    std::string a = "rollout advance " + cmd_name + pal.dim("  " + adv);
    std::string b = "rollout abort " + cmd_name + pal.dim("  roll back now");
    if (view::display_width(a) + view::display_width(b) + 14 <= width)
      add(pal.dim("act      ") + a + pal.dim("  ·  ") + b);
    else {
      add(pal.dim("act      ") + a);
      add("         " + b);
    }
  }

  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace rollout
