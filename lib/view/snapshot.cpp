// The picture of a rollout built from its events (snapshot.hpp): what the live view redraws
// and `rollout status` prints. It keeps only bounded history: a ring of values per gate and
// the last few events, so a 48-hour rollout costs the same memory as a 5-minute one.
#include "view/snapshot.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "core/overloaded.hpp"
#include "view/text.hpp"

namespace rollout {

namespace {

constexpr std::size_t kTrendLength = 24;  // values kept per gate for the sparkline
constexpr std::size_t kRecentEvents = 8;  // events kept for "recent"

struct StageInfo {
  std::string name;
  int weight = 0;
  std::int64_t hold_ms = 0;
  std::string state = "pending";  // pending | running | done | skipped
  std::int64_t started_t_ms = -1;
  std::int64_t duration_ms = -1;
};

struct TrendPoint {
  nlohmann::json value;
  std::string outcome;
};

struct GateInfo {
  std::string gate;  // as written: "error_rate < 1%"
  std::string check;
  std::string query;
  std::string unit;
  std::string op;
  nlohmann::json threshold;
  nlohmann::json value;
  std::string value_text;  // for a null value: "no data", "NaN", "+Inf" or "-Inf"
  std::string outcome;
  std::string detail;
  int fails = 0;
  int inconclusives = 0;
  int errors = 0;
  std::int64_t measurements = 0;
  std::optional<double> min, max;
  std::deque<TrendPoint> trend;
};

struct RecentEvent {
  std::chrono::system_clock::time_point time;
  std::int64_t t_ms = 0;
  std::string type;
  std::string stage;
  std::string summary;
};

struct RollbackStepInfo {
  int index = 0;
  std::string kind;
  std::string description;
  bool done = false;
  bool ok = false;
  std::int64_t duration_ms = 0;
  std::int64_t budget_ms = -1;
};

// ▁▂▃▄▅▆▇█ scaled between the smallest and largest value shown; "·" where there was no
// value (inconclusive, error). Each mark is coloured by that measurement's outcome.
std::string sparkline(const std::deque<TrendPoint>& trend, std::size_t width,
                      const view::Palette& pal) {
  static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::size_t first = trend.size() > width ? trend.size() - width : 0;
  double lo = 0, hi = 0;
  bool any = false;
  for (std::size_t i = first; i < trend.size(); ++i) {
    if (!trend[i].value.is_number()) continue;
    double v = trend[i].value.get<double>();
    if (!any || v < lo) lo = v;
    if (!any || v > hi) hi = v;
    any = true;
  }
  std::string out;
  for (std::size_t i = first; i < trend.size(); ++i) {
    std::string mark = "·";
    if (trend[i].value.is_number()) {
      double v = trend[i].value.get<double>();
      int level = hi > lo ? static_cast<int>((v - lo) / (hi - lo) * 7 + 0.5) : 3;
      mark = kBars[std::clamp(level, 0, 7)];
    }
    out += pal.outcome(mark, trend[i].outcome);
  }
  return view::pad_right(out, width);
}

std::string outcome_mark(const std::string& outcome) {
  if (outcome == "pass") return "✓";
  if (outcome == "fail") return "✗";
  if (outcome == "inconclusive") return "?";
  if (outcome == "error") return "!";
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

struct Snapshot::Data {
  std::string name;
  std::string runbook;
  bool dry_run = false;
  bool started = false;
  std::vector<StageInfo> stages;
  int stage_index = -1;
  std::string stage;
  std::string phase = "starting";  // starting | running | holding | awaiting approval |
                                   // paused | rolling back | finished
  std::string phase_detail;
  int stable = 100, canary = 0;
  bool weights_known = false;
  std::int64_t hold_ms = -1, hold_end_t_ms = -1;
  std::int64_t approval_deadline_t_ms = -1;
  std::vector<GateInfo> gates;
  std::deque<RecentEvent> recent;
  std::vector<RollbackStepInfo> rollback;
  std::string rollback_reason, rollback_trigger;
  std::int64_t rollback_budget_ms = -1;
  std::int64_t rollback_started_t_ms = -1;
  std::optional<bool> rollback_ok;
  std::vector<std::string> undone;
  std::string outcome;  // set by "finished"
  int exit_code = -1;
  std::string reason;
  std::string last_breach;
  std::string step;  // the step running now, if any
  std::int64_t last_t_ms = 0;
  std::chrono::system_clock::time_point last_time{};
  std::uint64_t events = 0;

  GateInfo& gate(const std::string& text) {
    for (auto& g : gates)
      if (g.gate == text) return g;
    gates.push_back(GateInfo{});
    gates.back().gate = text;
    return gates.back();
  }

  // One gate measurement: its latest value and counters, extremes, the trend.
  void measured(const events::GateMeasured& p) {
    GateInfo& g = gate(p.gate.empty() ? p.check : p.gate);
    g.check = p.check;
    g.query = p.query;
    g.unit = p.unit;
    g.op = p.op;
    g.threshold = p.threshold;
    const bool finite = p.value && std::isfinite(*p.value);
    g.value = finite ? nlohmann::json(*p.value) : nlohmann::json();
    // No number: "no data", or a NaN/Inf the JSON could not hold.
    g.value_text = finite    ? std::string()
                   : p.value ? std::string(events::non_finite_word(*p.value))
                             : std::string("no data");
    g.outcome = p.outcome ? std::string(to_string(*p.outcome)) : std::string();
    g.detail = p.detail;
    g.fails = p.fails;
    g.inconclusives = p.inconclusives;
    g.errors = p.errors;
    ++g.measurements;
    if (finite) {
      g.min = g.min ? std::min(*g.min, *p.value) : *p.value;
      g.max = g.max ? std::max(*g.max, *p.value) : *p.value;
    }
    g.trend.push_back({g.value, g.outcome});
    while (g.trend.size() > kTrendLength) g.trend.pop_front();
  }

  StageInfo* stage_named(const std::string& n) {
    for (auto& s : stages)
      if (s.name == n) return &s;
    return nullptr;
  }

  // The engine's clock now: the last event's t_ms plus the wall time since it, so the
  // countdown moves between events. A dry run's clock is virtual: it stands still.
  std::int64_t t_now(std::chrono::system_clock::time_point now) const {
    if (dry_run || phase == "finished" || events == 0) return last_t_ms;
    auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_time).count();
    return last_t_ms + std::max<std::int64_t>(0, since);
  }

  bool holding() const { return phase == "holding" && hold_end_t_ms >= 0; }

  std::int64_t hold_remaining(std::int64_t t) const {
    return holding() ? std::max<std::int64_t>(0, hold_end_t_ms - t) : -1;
  }

  // Hold time still ahead: the rest of this hold plus every later stage's hold (steps
  // between stages are not known in advance, so this is a lower bound).
  std::int64_t remaining_total(std::int64_t t) const {
    if (phase == "finished" || phase == "rolling back") return -1;
    std::int64_t total = 0;
    for (std::size_t i = 0; i < stages.size(); ++i) {
      const auto& s = stages[i];
      if (static_cast<int>(i) < stage_index) continue;
      if (static_cast<int>(i) == stage_index) {
        if (holding())
          total += hold_remaining(t);
        else if (s.state == "running" && hold_end_t_ms < 0)
          total += s.hold_ms;
        continue;
      }
      total += s.hold_ms;
    }
    return total;
  }
};

Snapshot::Snapshot() : d_(std::make_unique<Data>()) {}
Snapshot::~Snapshot() = default;

void Snapshot::on_event(const Event& event) {
  using namespace events;
  Data& d = *d_;
  ++d.events;
  d.last_t_ms = event.t_ms;
  d.last_time = event.time;
  if (!event.stage.empty()) d.stage = event.stage;

  std::visit(
      Overloaded{
          [&](const RolloutStarted& p) {
            d.started = true;
            if (!p.name.empty()) d.name = p.name;
            d.runbook = p.runbook;
            d.dry_run = p.dry_run;
            d.phase = "running";
            d.outcome.clear();
            d.exit_code = -1;
            d.reason.clear();
            if (p.stages.empty()) return;
            std::vector<StageInfo> stages;
            for (const auto& plan : p.stages) {
              StageInfo info;
              info.name = plan.name;
              info.weight = plan.weight;
              info.hold_ms = plan.hold_ms;
              // A resumed rollout repeats rollout_started: keep what is known of each stage.
              if (const StageInfo* old = d.stage_named(info.name)) {
                info.state = old->state;
                info.started_t_ms = old->started_t_ms;
                info.duration_ms = old->duration_ms;
              }
              stages.push_back(std::move(info));
            }
            d.stages = std::move(stages);
          },
          [&](const Preflight& p) {
            if (!p.ok) d.phase_detail = "preflight failed";
          },
          [&](const StageStarted& p) {
            d.stage_index = p.index;
            d.phase = "running";
            d.phase_detail.clear();
            d.hold_ms = p.hold_ms;
            d.hold_end_t_ms = -1;
            d.approval_deadline_t_ms = -1;
            d.gates.clear();
            d.last_breach.clear();
            if (d.stage_index >= 0 && d.stage_index < static_cast<int>(d.stages.size())) {
              auto& st = d.stages[static_cast<std::size_t>(d.stage_index)];
              st.state = "running";
              st.started_t_ms = event.t_ms;
              if (st.name.empty()) st.name = event.stage;
              if (p.weight >= 0) st.weight = p.weight;
              if (d.hold_ms >= 0) st.hold_ms = d.hold_ms;
            } else if (!event.stage.empty() && !d.stage_named(event.stage)) {
              StageInfo st;
              st.name = event.stage;
              st.weight = p.weight;
              st.hold_ms = std::max<std::int64_t>(0, d.hold_ms);
              st.state = "running";
              st.started_t_ms = event.t_ms;
              d.stages.push_back(st);
              d.stage_index = static_cast<int>(d.stages.size()) - 1;
            }
          },
          [&](const StepStarted& p) { d.step = p.description.empty() ? p.kind : p.description; },
          [&](const StepFinished&) { d.step.clear(); },
          [&](const WeightSet& p) {
            if (!p.ok) return;
            d.stable = p.stable;
            d.canary = p.canary;
            d.weights_known = true;
          },
          [&](const HoldStarted& p) {
            d.phase = "holding";
            d.phase_detail.clear();
            d.hold_ms = p.hold_ms;
            d.hold_end_t_ms = event.t_ms + p.remaining_ms;
          },
          [&](const GateMeasured& p) { d.measured(p); },
          [&](const Breach& p) {
            d.last_breach = fmt::format("{} ({} limit {} reached, {})", p.gate,
                                        to_string(p.counter), p.limit, p.action);
          },
          [&](const AwaitingApproval& p) {
            d.phase = "awaiting approval";
            d.approval_deadline_t_ms = p.timeout_ms ? event.t_ms + *p.timeout_ms : -1;
          },
          [&](const Advanced&) {
            if (d.phase == "awaiting approval" || d.phase == "paused" || d.phase == "holding")
              d.phase = "running";
            d.hold_end_t_ms = -1;
            d.approval_deadline_t_ms = -1;
          },
          [&](const Paused& p) {
            d.phase = "paused";
            d.phase_detail = p.reason;
          },
          [&](const AbortRequested& p) {
            d.phase_detail = fmt::format("abort requested by {}", p.by);
          },
          [&](const Interrupted& p) { d.phase_detail = fmt::format("interrupted ({})", p.signal); },
          [&](const StageCompleted& p) {
            if (StageInfo* st = d.stage_named(event.stage.empty() ? d.stage : event.stage)) {
              st->state = "done";
              st->duration_ms = p.duration_ms;
            }
            if (d.phase == "holding") d.phase = "running";
            d.hold_end_t_ms = -1;
          },
          [&](const RollbackStarted& p) {
            d.phase = "rolling back";
            d.rollback_reason = p.reason;
            d.rollback_trigger = to_string(p.trigger);
            d.rollback_budget_ms = p.budget_ms.value_or(-1);
            d.rollback_started_t_ms = event.t_ms;
            d.rollback.clear();
            d.rollback_ok.reset();
            d.hold_end_t_ms = -1;
          },
          [&](const RollbackStep& p) {
            d.rollback.push_back(RollbackStepInfo{p.index, p.kind, p.description, true, p.ok,
                                                  p.duration_ms, p.budget_ms.value_or(-1)});
          },
          [&](const RollbackFinished& p) {
            d.rollback_ok = p.ok;
            d.undone = p.undone;
          },
          [&](const Finished& p) {
            d.phase = "finished";
            d.outcome = to_string(p.outcome);
            d.exit_code = p.exit_code;
            d.reason = p.reason;
            d.hold_end_t_ms = -1;
            d.step.clear();
          },
          [](const auto&) {},
      },
      event.payload);

  // gate_measured is the bulk of a long rollout: it shows in the gate table, not in the
  // recent events, or it would push everything else out.
  const auto* gate = event.as<GateMeasured>();
  if (!gate || gate->outcome != Outcome::pass) {
    d.recent.push_back(RecentEvent{event.time, event.t_ms, std::string(to_string(event.type)),
                                   event.stage, event.summary});
    while (d.recent.size() > kRecentEvents) d.recent.pop_front();
  }
}

std::string Snapshot::render(const SnapshotOptions& options) const {
  const Data& d = *d_;
  const view::Palette pal{options.color};
  const std::size_t width = static_cast<std::size_t>(std::max(options.width, 40));
  const bool wide = width >= 120;
  const std::int64_t t = d.t_now(options.now);
  const std::string name = d.name.empty() ? "(unnamed)" : d.name;
  // The NAME the commands below need: a dry run's state lives in STATE_DIR/NAME.dry-run/
  // (state/layout.hpp, kDryRunSuffix), and `status`, `report`, `advance`, `abort` and
  // `resume` find it by that directory name, not by the rollout's own name.
  const std::string cmd_name = d.dry_run && !d.name.empty() ? d.name + ".dry-run" : name;
  std::vector<std::string> lines;
  auto add = [&](std::string line) { lines.push_back(view::truncate(line, width)); };

  if (d.events == 0) {
    add(pal.dim("no events yet: the rollout has not started"));
    return lines.front() + "\n";
  }

  // Header: name, stage, what is happening.
  std::string phase = d.phase;
  std::string phase_col = phase;
  if (d.phase == "finished") {
    std::string o = d.outcome.empty() ? "finished" : d.outcome;
    std::replace(o.begin(), o.end(), '_', ' ');
    phase_col = o == "completed" ? pal.green(o) : o == "paused" ? pal.yellow(o) : pal.red(o);
  } else if (d.phase == "rolling back") {
    phase_col = pal.red(phase);
  } else if (d.phase == "paused" || d.phase == "awaiting approval") {
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
  if (!d.phase_detail.empty() && d.phase != "finished")
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
      const bool fell = here && (d.rollback_started_t_ms >= 0 ||
                                 (d.phase == "finished" && d.outcome != "completed"));
      if (s.state == "done")
        path += pal.green("✓ " + label);
      else if (fell)
        path += pal.red("✗ " + label);
      else if (static_cast<int>(i) == d.stage_index && d.phase != "finished")
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
  } else if (d.phase == "awaiting approval") {
    std::string line =
        "hold     done; " + pal.yellow("waiting for approval: rollout advance " + cmd_name);
    if (d.approval_deadline_t_ms >= 0)
      line += fmt::format(" (times out in {})", view::human_duration(std::max<std::int64_t>(
                                                    0, d.approval_deadline_t_ms - t)));
    add(line);
  } else if (!d.step.empty() && d.phase != "finished") {
    add("step     " + d.step);
  }
  if (std::int64_t rest = d.remaining_total(t); rest >= 0 && d.phase != "paused") {
    std::string line = fmt::format("elapsed  {} · at least {} to go", view::human_duration(t),
                                   view::human_duration(rest));
    if (!d.dry_run && d.phase != "awaiting approval")
      line += fmt::format(
          " · ETA {}",
          view::clock_time(options.now + std::chrono::milliseconds(rest), rest < 3'600'000));
    if (d.dry_run) line += pal.dim(" (virtual clock)");
    add(line);
  } else if (d.phase == "finished") {
    add(fmt::format("took     {}", view::human_duration(t)));
  }

  // Gates: latest value against threshold, trend, consecutive counters.
  if (!d.gates.empty()) {
    auto shown = [](const GateInfo& g) {
      return g.value_text.empty() ? format_measurement(g.value, g.unit) : g.value_text;
    };
    std::size_t text_w = 0, value_w = 6;
    for (const auto& g : d.gates) {
      text_w = std::max(text_w, view::display_width(g.gate));
      value_w = std::max(value_w, view::display_width(shown(g)));
    }
    text_w = std::min<std::size_t>(text_w, wide ? 60 : 28);
    std::size_t trend_w = wide ? kTrendLength : 12;
    std::size_t outcome_w = 4;
    for (const auto& g : d.gates) outcome_w = std::max(outcome_w, g.outcome.size());
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
      std::string row = "  " + pal.outcome(outcome_mark(g.outcome), g.outcome) + " " +
                        view::pad_right(view::truncate(g.gate, text_w), text_w) + "  " +
                        view::pad_left(pal.outcome(shown(g), g.outcome), value_w) + "  " +
                        sparkline(g.trend, trend_w, pal) + "  " +
                        pal.outcome(view::pad_right(g.outcome, outcome_w), g.outcome);
      if (!streak.empty()) row += " " + streak;
      if (wide && g.min && g.max)
        row += pal.dim(fmt::format("  min {} max {} n={}", format_measurement(*g.min, g.unit),
                                   format_measurement(*g.max, g.unit), g.measurements));
      if (wide && !g.detail.empty() && g.outcome != "pass") row += pal.dim("  " + g.detail);
      add(row);
    }
  }
  if (!d.last_breach.empty() && d.phase != "finished") add(pal.red("breach   " + d.last_breach));

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
      std::string text = e.summary.empty() ? e.type : e.summary;
      if (e.type == "breach" || e.type == "rollback_started" ||
          (e.type == "finished" && d.outcome != "completed"))
        text = pal.red(text);
      else if (e.type == "warning" || e.type == "paused" || e.type == "abort_requested")
        text = pal.yellow(text);
      add("  " + pal.dim(when) + "  " + text);
    }
  }

  // What the operator can do now.
  if (d.phase == "finished") {
    std::string line = "outcome  " + phase_col;
    if (d.exit_code >= 0) line += fmt::format(" (exit {})", d.exit_code);
    add(line);
    if (!d.reason.empty()) add("why      " + d.reason);
    if (d.outcome == "paused" || d.outcome == "interrupted")
      add(pal.dim("next     ") + "rollout resume " + cmd_name + pal.dim("  ·  ") +
          "rollout abort " + cmd_name);
    else
      add(pal.dim("report   ") + "rollout report " + cmd_name);
  } else if (d.phase != "rolling back") {
    std::string adv =
        d.phase == "awaiting approval" ? "approve and go on" : "skip the rest of the hold";
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

nlohmann::json Snapshot::to_json() const {
  const Data& d = *d_;
  using nlohmann::json;
  json j = json::object();
  j["name"] = d.name;
  j["runbook"] = d.runbook;
  j["dry_run"] = d.dry_run;
  j["phase"] = d.phase;
  if (!d.phase_detail.empty()) j["phase_detail"] = d.phase_detail;
  j["stage"] = d.stage.empty() ? json() : json(d.stage);
  j["stage_index"] = d.stage_index >= 0 ? json(d.stage_index) : json();
  json stages = json::array();
  for (const auto& s : d.stages) {
    json st = {{"name", s.name}, {"weight", s.weight}, {"hold_ms", s.hold_ms}, {"state", s.state}};
    if (s.duration_ms >= 0) st["duration_ms"] = s.duration_ms;
    stages.push_back(std::move(st));
  }
  j["stages"] = std::move(stages);
  j["weights"] = {{"stable", d.stable}, {"canary", d.canary}, {"known", d.weights_known}};
  const std::int64_t t = d.t_now(std::chrono::system_clock::now());
  j["t_ms"] = t;
  if (d.holding())
    j["hold"] = {{"hold_ms", d.hold_ms},
                 {"remaining_ms", d.hold_remaining(t)},
                 {"elapsed_ms", std::max<std::int64_t>(0, d.hold_ms - d.hold_remaining(t))},
                 {"end_t_ms", d.hold_end_t_ms}};
  if (std::int64_t rest = d.remaining_total(t); rest >= 0) j["remaining_ms"] = rest;
  json gates = json::array();
  for (const auto& g : d.gates) {
    json recent = json::array();
    for (const auto& p : g.trend) recent.push_back(p.value);
    json gj = {{"gate", g.gate},     {"check", g.check},
               {"query", g.query},   {"unit", g.unit},
               {"op", g.op},         {"threshold", g.threshold},
               {"value", g.value},   {"outcome", g.outcome},
               {"fails", g.fails},   {"inconclusives", g.inconclusives},
               {"errors", g.errors}, {"measurements", g.measurements},
               {"recent", recent}};
    gj["min"] = g.min ? json(*g.min) : json();
    gj["max"] = g.max ? json(*g.max) : json();
    if (!g.detail.empty()) gj["detail"] = g.detail;
    gates.push_back(std::move(gj));
  }
  j["gates"] = std::move(gates);
  if (!d.last_breach.empty()) j["breach"] = d.last_breach;
  if (d.rollback_started_t_ms >= 0) {
    json steps = json::array();
    for (const auto& s : d.rollback)
      steps.push_back({{"index", s.index},
                       {"kind", s.kind},
                       {"description", s.description},
                       {"ok", s.ok},
                       {"duration_ms", s.duration_ms},
                       {"budget_ms", s.budget_ms >= 0 ? json(s.budget_ms) : json()}});
    j["rollback"] = {{"reason", d.rollback_reason},
                     {"trigger", d.rollback_trigger},
                     {"budget_ms", d.rollback_budget_ms >= 0 ? json(d.rollback_budget_ms) : json()},
                     {"ok", d.rollback_ok ? json(*d.rollback_ok) : json()},
                     {"steps", std::move(steps)},
                     {"undone", d.undone}};
  }
  json recent = json::array();
  for (const auto& e : d.recent)
    recent.push_back(
        {{"t_ms", e.t_ms}, {"type", e.type}, {"stage", e.stage}, {"summary", e.summary}});
  j["recent"] = std::move(recent);
  if (!d.outcome.empty()) {
    j["outcome"] = d.outcome;
    j["exit_code"] = d.exit_code;
    j["reason"] = d.reason;
  }
  return j;
}

}  // namespace rollout
