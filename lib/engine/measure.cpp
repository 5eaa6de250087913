// Measuring gates and acting on what they say, for a hold and for the background
// analysis alike: measure the gates that are due (concurrently), journal each measurement
// with its counters, and act on the first breach.
#include <algorithm>
#include <cmath>
#include <future>

#include <fmt/format.h>

#include "engine/engine.hpp"
#include "engine/gate_run.hpp"
#include "runbook/describe.hpp"
#include "runbook/gate.hpp"

namespace rollout::engine {

std::vector<Engine::Measured> Engine::measure(const std::vector<const runbook::Gate*>& gates,
                                              const runbook::Stage* stage) {
  const Expander ex = expander_for(stage);
  std::vector<std::future<Measured>> futures;
  futures.reserve(gates.size());
  for (const runbook::Gate* g : gates) {
    const runbook::Gate& gate = *g;
    Measured m;
    MetricSource* source = nullptr;
    const runbook::Check* check = nullptr;
    std::string samples_query;
    if (auto c = book_.checks.find(gate.check); c == book_.checks.end()) {
      m.reading.detail = "no check named '" + gate.check + "'";
    } else if (auto s = ports_.sources.find(c->second.source);
               s == ports_.sources.end() || !s->second) {
      check = &c->second;
      m.reading.detail = "no metric source named '" + c->second.source + "'";
    } else {
      check = &c->second;
      source = s->second;
      auto q = ex.expand(check->query);
      if (!q) {
        source = nullptr;
        m.reading.detail = q.error().message;
      } else {
        m.query = *q;
      }
      if (!check->samples_query.empty() && check->min_samples > 0) {
        auto sq = ex.expand(check->samples_query);
        if (sq) samples_query = *sq;
      }
    }
    if (!source) {
      m.reading.kind = Reading::Kind::error;
      m.outcome = Outcome::error;
      std::promise<Measured> done;
      done.set_value(std::move(m));
      futures.push_back(done.get_future());
      continue;
    }
    auto job = [m, source, check, g, samples_query]() mutable {
      m.reading = source->query(m.query);
      if (!samples_query.empty()) m.samples = source->query(samples_query);
      m.outcome = evaluate(m.reading, *g, *check, m.samples, &m.reading.detail);
      return m;
    };
    // MetricSource::query is thread-safe: the gates of one interval are measured at once.
    // On the virtual clock the fakes answer at once, and threads would only cost time.
    const bool inline_query = ports_.clock.is_virtual() || gates.size() == 1;
    futures.push_back(
        std::async(inline_query ? std::launch::deferred : std::launch::async, std::move(job)));
  }
  std::vector<Measured> out;
  out.reserve(futures.size());
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

// Measures the runs that are due and journals each measurement with its counters.
void Engine::record_measurements(std::vector<GateRun>& runs, const runbook::Stage* stage,
                                 bool analysis) {
  const Duration now = ports_.clock.now();
  std::vector<const runbook::Gate*> gates;
  std::vector<GateRun*> due;
  for (auto& r : runs)
    if (r.next <= now) {
      gates.push_back(r.gate);
      due.push_back(&r);
    }
  const std::vector<Measured> measured = measure(gates, stage);
  const Duration at = ports_.clock.now();
  const std::string stage_name = stage ? stage->name : std::string();
  for (std::size_t k = 0; k < due.size(); ++k) {
    GateRun& run = *due[k];
    const runbook::Gate& gate = *run.gate;
    const Measured& m = measured[k];
    run.tracker.record(m.outcome, at, gate);
    schedule_after(run, now);
    const auto check = book_.checks.find(gate.check);
    const runbook::Unit unit =
        check != book_.checks.end() ? check->second.unit : runbook::Unit::count;
    const GateTracker::Counts& c = run.tracker.counts();
    events::GateMeasured data{gate.text,
                              gate.check,
                              m.query,
                              m.reading.kind == Reading::Kind::value && !m.reading.word
                                  ? std::optional(m.reading.value)
                                  : std::nullopt,
                              gate.threshold,
                              runbook::to_string(gate.op),
                              runbook::to_string(unit),
                              m.outcome,
                              m.reading.detail,
                              c.fails,
                              c.inconclusives,
                              c.errors,
                              c.successes,
                              c.passes,
                              c.total_fails,
                              c.total_inconclusives,
                              c.total_errors,
                              run.rules->dry_run,
                              analysis,
                              gate.word.value_or(""),
                              m.reading.word.value_or("")};
    // A value that is an error (impossible for its unit) says why on the same line.
    const std::string shown =
        m.reading.word
            ? (m.outcome == Outcome::error ? *m.reading.word + " (" + m.reading.detail + ")"
                                           : *m.reading.word)
        : m.reading.kind == Reading::Kind::value
            ? format_measurement(m.reading.value, runbook::dimension_of(unit)) +
                  (m.outcome == Outcome::error && !m.reading.detail.empty()
                       ? " (" + m.reading.detail + ")"
                       : "")
        : m.reading.kind == Reading::Kind::empty ? std::string("no data")
                                                 : "error: " + m.reading.detail;
    emit(stage_name,
         fmt::format("{}{}: {} {} {} -> {}", analysis ? "analysis: " : "", gate.check, shown,
                     runbook::to_string(gate.op),
                     gate.word ? runbook::gate_value_text(gate, unit)
                               : format_measurement(gate.threshold, runbook::dimension_of(unit)),
                     to_string(m.outcome)),
         std::move(data));
  }
}

namespace {

std::string breach_reason(const runbook::Gate& gate, const GateTracker::Breach& b) {
  const bool one = b.limit == 1;
  const char* what = nullptr;
  switch (b.counter) {
    case events::BreachCounter::failure:
    case events::BreachCounter::max_failures:
      what = one ? "failure" : "failures";
      break;
    case events::BreachCounter::inconclusive:
    case events::BreachCounter::max_inconclusive:
      what = one ? "inconclusive measurement" : "inconclusive measurements";
      break;
    default:
      what = one ? "error" : "errors";
      break;
  }
  if (b.in_a_row)
    return fmt::format("gate '{}' breached: {} {} in a row (limit {})", gate.text, b.limit, what,
                       b.limit);
  return fmt::format("gate '{}' breached: {} {} in all (max_{})", gate.text, b.limit, what,
                     b.counter == events::BreachCounter::max_failures       ? "failures"
                     : b.counter == events::BreachCounter::max_inconclusive ? "inconclusive"
                                                                            : "errors");
}

}  // namespace

// The first gate whose limit or budget was reached acts. A gate that does not act tells
// once per episode (notify: a breach event; dry_run: a breach event with action dry_run)
// and the rollout goes on.
std::optional<Engine::Flow> Engine::act_on_breaches(std::vector<GateRun>& runs,
                                                    const runbook::Stage& stage, bool analysis) {
  auto b = first_acting_breach(runs, stage, analysis);
  if (!b) return std::nullopt;
  return act_on_breach(stage, b->action, b->why);
}

std::optional<Engine::ActingBreach> Engine::first_acting_breach(std::vector<GateRun>& runs,
                                                                const runbook::Stage& stage,
                                                                bool analysis) {
  for (std::size_t i = 0; i < runs.size(); ++i) {
    GateRun& run = runs[i];
    auto b = run.tracker.breached(*run.rules);
    if (!b) continue;
    const runbook::Gate& gate = *run.gate;
    const runbook::OnBreach action = b->counter == events::BreachCounter::inconclusive ||
                                             b->counter == events::BreachCounter::max_inconclusive
                                         ? runbook::inconclusive_action(*run.rules)
                                         : run.rules->on_breach;
    const std::string why = (analysis ? "analysis " : "") + breach_reason(gate, *b);
    const bool dry = run.rules->dry_run;
    emit(stage.name, dry ? why + " (dry_run: nothing acts)" : why,
         events::Breach{gate.text, b->counter, b->limit, std::nullopt,
                        dry ? "dry_run" : runbook::to_string(action), analysis});
    if (dry || action == runbook::OnBreach::notify) {
      run.tracker.opened_episode();  // once per episode: the next breach needs a pass first
      continue;
    }
    return ActingBreach{i, action, why};
  }
  return std::nullopt;
}

Engine::Flow Engine::act_on_breach(const runbook::Stage& stage, runbook::OnBreach action,
                                   const std::string& why) {
  if (action == runbook::OnBreach::rollback)
    return Stop{rollback(events::RollbackTrigger::breach, why)};
  if (!opts_.interactive || opts_.auto_approve) return Stop{pause_exit(why, stage.name)};
  return wait_for_operator(stage, why);
}

}  // namespace rollout::engine
