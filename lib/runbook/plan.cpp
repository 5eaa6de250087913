// Building `rollout plan` output, as JSON and as text, from the typed runbook.
#include "runbook/plan.hpp"

#include <functional>

#include <fmt/format.h>

#include "core/redact.hpp"
#include "runbook/bindings.hpp"
#include "runbook/describe.hpp"

namespace rollout::runbook {

namespace {

nlohmann::json ms(Duration d) {
  return d.count();
}
nlohmann::json ms(const std::optional<Duration>& d) {
  return d ? nlohmann::json(d->count()) : nlohmann::json(nullptr);
}

bool is_manual_pause(const Step& s) {
  const auto* p = std::get_if<PauseStep>(&s.action);
  return p && !p->duration;
}

std::string flip(CompareOp op) {
  switch (op) {
    case CompareOp::lt:
      return ">=";
    case CompareOp::le:
      return ">";
    case CompareOp::gt:
      return "<=";
    case CompareOp::ge:
      return "<";
    case CompareOp::eq:
      return "!=";
    case CompareOp::ne:
      return "==";
  }
  return "?";
}

std::string router_call(const Runbook& book, const Expander& base, int canary);

// What an inconclusive gate does when it differs from a breach: " (pause when inconclusive)".
std::string inconclusive_words(const GateRules& r) {
  if (r.on_inconclusive == OnInconclusive::ignore) return " (inconclusive ignored)";
  if (inconclusive_action(r) == r.on_breach) return "";
  return fmt::format(" ({} when inconclusive)", to_string(inconclusive_action(r)));
}

// What a manual stage waits for: a person, or also a 200 from its approve_url.
std::string approval_words(const Stage& s, const Expander& ex) {
  if (s.approve_url.empty()) return "wait for `rollout advance`";
  return fmt::format("wait for `rollout advance` or HTTP 200 from GET {} (asked every {})",
                     display(s.approve_url, ex),
                     format_duration(std::max(s.rules.interval, 100ms)));
}
int weight_of(const Step& s);

nlohmann::json step_json(const Step& s, const Runbook& book, const Expander& ex,
                         const std::string& phase) {
  nlohmann::json j = {{"phase", phase},
                      {"kind", step_kind(s.action)},
                      {"description", describe(s, book, ex)},
                      {"time_limit_ms", ms(step_time_limit(s, book))}};
  if (s.budget) j["budget_ms"] = s.budget->count();
  if (s.pos.line) j["line"] = s.pos.line;
  if (const int w = weight_of(s); w >= 0) {
    if (auto call = router_call(book, ex, w); !call.empty()) j["router_call"] = call;
  }
  return j;
}

// What the router is told for a split, resolved: the request or command; "" when the
// kind's commands are fixed (haproxy).
std::string router_call(const Runbook& book, const Expander& base, int canary) {
  return plan_call(book.router, bind_split(base, 100 - canary, canary));
}

int weight_of(const Step& s) {
  const auto* w = std::get_if<WeightStep>(&s.action);
  return w ? w->canary : -1;
}

nlohmann::json gates_json(const std::vector<Gate>& gates, const GateRules& owner,
                          const Runbook& book, const Expander& ex) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : gates) {
    const auto& c = book.checks.at(g.check);
    out.push_back({{"text", g.text},
                   {"check", g.check},
                   {"op", to_string(g.op)},
                   {"threshold", g.threshold},
                   {"threshold_text", gate_value_text(g, c.unit)},
                   {"unit", to_string(c.unit)},
                   {"sustain_ms", ms(g.sustain)},
                   {"source", c.source},
                   {"query", display(c.query, ex)},
                   {"rules", rules_json(rules_of(g, owner))}});
  }
  return out;
}

// The gates of a stage or of the analysis, one per line, then what a breach does.
void gate_lines(const std::vector<Gate>& gates, const GateRules& owner, const Runbook& book,
                const std::function<void(const std::string&)>& line) {
  std::size_t gw = 0;
  for (const auto& g : gates) gw = std::max(gw, g.text.size());
  for (const auto& g : gates) {
    const auto& c = book.checks.at(g.check);
    const std::string own = g.rules ? rules_words(*g.rules, owner) : "";
    line(fmt::format("       {:<{}}  breach when {} {} {}{}{}", g.text, gw, g.check, flip(g.op),
                     gate_value_text(g, c.unit),
                     g.sustain ? " for " + format_duration(*g.sustain) : "",
                     own.empty() ? "" : " [" + own + "]"));
  }
  const std::string budget = budget_words(owner);
  line(fmt::format(
      "     on breach: {} {} (or {} inconclusive, {} errors in a row{})",
      to_string(owner.on_breach),
      owner.failure_limit == 1 ? std::string("at the first fail")
                               : fmt::format("after {} fails in a row", owner.failure_limit),
      owner.inconclusive_limit, owner.error_limit, budget.empty() ? "" : "; " + budget));
  if (owner.initial_delay || owner.min_measurements > 0 || owner.on_inconclusive)
    line(fmt::format("     {}", stage_rules_words(owner)));
}

// The analysis covering stage `index` (0-based), if any.
const Analysis* analysis_over(const Runbook& book, int index) {
  return book.analysis && covers(*book.analysis, index) ? &*book.analysis : nullptr;
}

}  // namespace

PlanTotals plan_totals(const Runbook& book) {
  PlanTotals t;
  for (const auto& s : book.stages) {
    t.holds += s.hold;
    if (s.advance == AdvanceMode::manual) ++t.manual_waits;
    for (const auto* list : {&s.before, &s.after})
      for (const auto& step : *list) {
        if (is_manual_pause(step)) ++t.manual_waits;
        if (auto limit = step_time_limit(step, book)) t.steps_max += *limit;
      }
    t.steps_max += common(book.router).timeout;  // the weight change itself
  }
  return t;
}

nlohmann::json plan_json(const Runbook& book, const Expander& base) {
  nlohmann::json j;
  j["runbook"] = book.path;
  j["name"] = book.rollout.name;
  j["description"] = display(book.rollout.description, base);
  j["on_interrupt"] = to_string(book.rollout.on_interrupt);
  j["router"] = plan_json(book.router, base);
  j["metrics"] = nlohmann::json::object();
  for (const auto& [name, s] : book.metrics) j["metrics"][name] = plan_json(s, base);
  j["checks"] = nlohmann::json::object();
  for (const auto& [name, c] : book.checks) {
    nlohmann::json cj = {{"source", c.source},
                         {"query", display(c.query, base)},
                         {"unit", to_string(c.unit)},
                         {"no_data", to_string(c.no_data)}};
    if (!c.samples_query.empty()) {
      cj["samples_query"] = display(c.samples_query, base);
      cj["min_samples"] = c.min_samples;
    }
    j["checks"][name] = cj;
  }
  j["stages"] = nlohmann::json::array();
  int index = 0;
  // The split in force as start walks the stages (it starts from 100/0), so each step
  // sees the ${weight.*} the engine gives it (runbook/bindings.hpp).
  int canary = 0;
  for (const auto& s : book.stages) {
    const Expander ex = bind_step(base, &s, s.weight);  // the hold: the stage's split
    auto now = [&] { return bind_step(base, &s, canary); };
    nlohmann::json sj = {{"index", ++index},
                         {"name", s.name},
                         {"weight", s.weight},
                         {"traffic", {{"stable", 100 - s.weight}, {"canary", s.weight}}},
                         {"hold_ms", ms(s.hold)},
                         {"hold", format_duration(s.hold)},
                         {"interval_ms", ms(s.rules.interval)},
                         {"interval", format_duration(s.rules.interval)},
                         {"on_breach", to_string(s.rules.on_breach)},
                         {"failure_limit", s.rules.failure_limit},
                         {"inconclusive_limit", s.rules.inconclusive_limit},
                         {"error_limit", s.rules.error_limit},
                         {"advance", to_string(s.advance)},
                         {"approval_timeout_ms", ms(s.approval_timeout)}};
    if (s.advance == AdvanceMode::manual) sj["on_timeout"] = to_string(s.on_timeout);
    if (!s.approve_url.empty()) sj["approve_url"] = display(s.approve_url, ex);
    sj["rules"] = rules_json(s.rules);
    sj["early_pass"] = s.early_pass;
    // A stage whose gates do not act (notify, dry_run) never extends its hold; null says so.
    const Analysis* over = analysis_over(book, index - 1);
    const bool extends = any_gate_acts(s, over);
    const Duration extend = max_extend_of(s, over);
    sj["max_extend_ms"] = extends ? ms(extend) : nlohmann::json(nullptr);
    sj["max_extend"] = extends ? nlohmann::json(format_duration(extend)) : nullptr;
    sj["max_extend_default"] = !s.max_extend.has_value();
    sj["analysis"] = over != nullptr;
    sj["gates"] = gates_json(s.gates, s.rules, book, ex);
    // The order start runs a stage in.
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& st : s.before) {
      steps.push_back(step_json(st, book, now(), "before"));
      if (const int w = weight_of(st); w >= 0) canary = w;
    }
    steps.push_back(step_json(Step{WeightStep{s.weight}, {}, {}}, book, now(), "weight"));
    canary = s.weight;
    steps.push_back({{"phase", "hold"},
                     {"kind", "hold"},
                     {"description",
                      fmt::format("hold {}, measuring {} gate{} every {}", format_duration(s.hold),
                                  s.gates.size(), s.gates.size() == 1 ? "" : "s",
                                  format_duration(s.rules.interval))},
                     {"time_limit_ms", ms(extends ? s.hold + extend : s.hold)}});
    if (s.advance == AdvanceMode::manual)
      steps.push_back({{"phase", "advance"},
                       {"kind", "approval"},
                       {"description", approval_words(s, ex)},
                       {"time_limit_ms", ms(s.approval_timeout)}});
    for (const auto& st : s.after) {
      steps.push_back(step_json(st, book, now(), "after"));
      if (const int w = weight_of(st); w >= 0) canary = w;
    }
    sj["steps"] = steps;
    j["stages"].push_back(sj);
  }
  nlohmann::json rb = {{"budget_ms", ms(book.rollback.budget)},
                       {"budget", format_duration(book.rollback.budget)},
                       {"steps", nlohmann::json::array()}};
  // A rollback starts at whatever split it finds: ${weight.*} stays as written until the
  // rollback's own weight step sets one.
  std::optional<int> rb_canary;
  for (const auto& st : book.rollback.steps) {
    rb["steps"].push_back(step_json(st, book, bind_step(base, nullptr, rb_canary), "rollback"));
    if (const int w = weight_of(st); w >= 0) rb_canary = w;
  }
  j["rollback"] = rb;
  j["analysis"] = nullptr;
  if (const auto& a = book.analysis) {
    j["analysis"] = {{"from", a->from},
                     {"until", a->until},
                     {"interval_ms", ms(a->rules.interval)},
                     {"interval", format_duration(a->rules.interval)},
                     {"rules", rules_json(a->rules)},
                     {"gates", gates_json(a->gates, a->rules, book, base)}};
  }
  j["notify"] = nlohmann::json::array();
  for (const auto& n : book.notify)
    j["notify"].push_back(
        {{"url", display(n.url, base)}, {"method", n.method}, {"events", n.events}});
  const PlanTotals t = plan_totals(book);
  j["total_hold_ms"] = ms(t.holds);
  j["total_hold"] = format_duration(t.holds);
  j["steps_max_ms"] = ms(t.steps_max);
  j["manual_waits"] = t.manual_waits;
  return secrets().redact(j);
}

std::string plan_text(const Runbook& book, const Expander& base) {
  std::string o;
  auto line = [&o](const std::string& s) { o += s + "\n"; };
  int k = 0;  // step number within a stage or the rollback
  auto step_line = [&](const Step& st, const Expander& ex, const std::string& suffix = "") {
    line(fmt::format("  {}. {}{}", ++k, describe(st, book, ex), suffix));
    if (const int w = weight_of(st); w >= 0) {
      if (auto call = router_call(book, ex, w); !call.empty()) line("       " + call);
    }
  };
  line(fmt::format(
      "Plan for {}{}", book.rollout.name,
      book.rollout.description.empty() ? "" : ": " + display(book.rollout.description, base)));
  line("Runbook: " + book.path);
  line("Router:  " + plan_line(book.router, base));
  for (const auto& [name, s] : book.metrics)
    line(fmt::format("Source:  {} = {}", name, plan_line(s, base)));
  std::size_t width = 0;
  for (const auto& [name, c] : book.checks) width = std::max(width, name.size());
  for (const auto& [name, c] : book.checks)
    line(fmt::format("Check:   {:<{}} {} from {}: {}", name, width, to_string(c.unit), c.source,
                     display(c.query, base)));
  if (const auto& a = book.analysis) {
    line("");
    line(
        fmt::format("Analysis: in the background from stage '{}' (once its weight is set) to the "
                    "end of stage '{}', every {}, across holds and steps:",
                    a->from, a->until, format_duration(a->rules.interval)));
    gate_lines(a->gates, a->rules, book, line);
  }
  const int n = static_cast<int>(book.stages.size());
  int index = 0;
  int canary = 0;  // the split in force, as in plan_json
  auto walk = [&](const Step& st, const Stage& s) {
    step_line(st, bind_step(base, &s, canary));
    if (const int w = weight_of(st); w >= 0) canary = w;
  };
  for (const auto& s : book.stages) {
    const Analysis* over = analysis_over(book, index);
    line("");
    line(fmt::format("Stage {}/{} '{}': {}% to the new version, hold {}{}", ++index, n, s.name,
                     s.weight, format_duration(s.hold),
                     s.gates.empty() ? (over ? ", no gates of its own" : ", no gates")
                                     : ", gates every " + format_duration(s.rules.interval)));
    k = 0;
    for (const auto& st : s.before) walk(st, s);
    walk(Step{WeightStep{s.weight}, {}, {}}, s);
    if (s.gates.empty()) {
      line(fmt::format("  {}. hold {} (no gates{})", ++k, format_duration(s.hold),
                       over ? "; the analysis measures" : ""));
      if (over && any_gate_acts(s, over))
        line(
            fmt::format("     analysis not passing at the end of the hold: wait up to {} "
                        "(max_extend{}), then {}",
                        format_duration(max_extend_of(s, over)), s.max_extend ? "" : ", default",
                        to_string(over->rules.on_breach)));
    } else {
      line(fmt::format("  {}. hold {}, measuring every {}{}:", ++k, format_duration(s.hold),
                       format_duration(s.rules.interval), over ? " (and the analysis)" : ""));
      gate_lines(s.gates, s.rules, book, line);
      if (s.early_pass)
        line(fmt::format("     may end early: every gate passing {} time{} in a row",
                         s.rules.consecutive_successes,
                         s.rules.consecutive_successes == 1 ? "" : "s"));
      if (!any_gate_acts(s, over))
        line(
            "     at the end of the hold: promotes, failing gates reported (notify and dry-run "
            "gates never extend a hold)");
      else
        line(
            fmt::format("     not all passing at the end of the hold: wait up to {} "
                        "(max_extend{}), then {}{}",
                        format_duration(max_extend_of(s, over)), s.max_extend ? "" : ", default",
                        to_string(s.rules.on_breach), inconclusive_words(s.rules)));
    }
    if (s.advance == AdvanceMode::manual)
      line(fmt::format("  {}. {}{}", ++k, approval_words(s, bind_step(base, &s, s.weight)),
                       s.approval_timeout ? fmt::format(" (at most {}, then {})",
                                                        format_duration(*s.approval_timeout),
                                                        to_string(s.on_timeout))
                                          : ""));
    for (const auto& st : s.after) walk(st, s);
  }
  line("");
  line(fmt::format("Rollback (budget {}): on a breach, a failed step or `rollout abort`",
                   format_duration(book.rollback.budget)));
  k = 0;
  std::optional<int> rb_canary;  // unknown until the rollback's own weight step
  for (const auto& st : book.rollback.steps) {
    step_line(st, bind_step(base, nullptr, rb_canary),
              st.budget ? " [budget " + format_duration(*st.budget) + "]" : "");
    if (const int w = weight_of(st); w >= 0) rb_canary = w;
  }
  for (const auto& nt : book.notify) {
    std::string events;
    for (const auto& e : nt.events) events += (events.empty() ? "" : ", ") + e;
    line(fmt::format("Notify:  {} {} on {}", nt.method, display(nt.url, base), events));
  }
  const PlanTotals t = plan_totals(book);
  line("");
  line(fmt::format(
      "Expected duration: {} of holds{}{}", format_duration(t.holds),
      t.steps_max.count() ? " + up to " + format_duration(t.steps_max) + " of steps" : "",
      t.manual_waits
          ? fmt::format(" + {} manual approval{}", t.manual_waits, t.manual_waits == 1 ? "" : "s")
          : ""));
  return secrets().redact(o);
}

}  // namespace rollout::runbook
