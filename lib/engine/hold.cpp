// The hold: measure every gate each interval (concurrently), count outcomes, act on a
// breach, and promote only when the hold is over and every gate's latest outcome is pass
// (and, for a manual stage, someone approved). Every wait here is bounded: the hold, then
// at most max_extend for gates not passing, then on_breach acts; a notify breach tells
// once per episode and never extends the hold. Only a person is waited for without limit.
#include <algorithm>
#include <cmath>
#include <future>

#include <fmt/format.h>

#include "engine/engine.hpp"
#include "runbook/gate.hpp"

namespace rollout::engine {

namespace {

const char* breach_action(runbook::OnBreach b) {
  switch (b) {
    case runbook::OnBreach::rollback:
      return "rollback";
    case runbook::OnBreach::pause:
      return "pause";
    case runbook::OnBreach::notify:
      return "notify";
  }
  return "rollback";
}

}  // namespace

std::vector<Engine::Measured> Engine::measure(const std::vector<runbook::Gate>& gates,
                                              const runbook::Stage* stage) {
  const Expander ex = expander_for(stage);
  std::vector<std::future<Measured>> futures;
  futures.reserve(gates.size());
  for (const auto& gate : gates) {
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
    auto job = [m, source, check, &gate, samples_query]() mutable {
      m.reading = source->query(m.query);
      if (!samples_query.empty()) m.samples = source->query(samples_query);
      m.outcome = evaluate(m.reading, gate, *check, m.samples, &m.reading.detail);
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

// What one hold keeps between its passes.
struct Engine::HoldState {
  HoldState(const runbook::Stage& s, Duration t0, std::int64_t remaining_ms)
      : stage(s),
        end(t0 + Duration(remaining_ms)),
        interval(std::max(s.interval, Duration(100))),
        next(std::min(t0 + interval, end)),
        trackers(s.gates.size()),
        notify_only(s.on_breach == runbook::OnBreach::notify),
        max_extend(runbook::max_extend_of(s)) {}

  const runbook::Stage& stage;
  Duration end;       // of the hold proper
  Duration interval;  // between measurements
  Duration next;      // the next measurement
  std::vector<GateTracker> trackers;
  // Gates of a notify stage never hold it up: they need only have been measured. Other
  // gates not passing when the hold is over get max_extend to pass, then on_breach acts.
  bool notify_only = false;
  Duration max_extend{0};
  std::optional<Duration> extend_until;
  bool asked = false;  // awaiting_approval was emitted
  std::optional<Duration> approval_deadline;
  bool reported = false;  // a notify stage said which gates were not passing
  ApprovalPoll approval;  // approve_url (approval.cpp)
};

// The hold, pass by pass until one of them ends it: over (promote, ask, time out or run
// out of extension), wait (for the next thing that can happen, or a request), measure
// (every gate, once per interval), then act on a breach.
Engine::Flow Engine::hold(const runbook::Stage& stage, std::int64_t remaining_ms) {
  emit(stage.name,
       fmt::format("holding {}% for {}{}", stage.weight, format_duration(Duration(remaining_ms)),
                   remaining_ms != stage.hold.count()
                       ? fmt::format(" (of {})", format_duration(stage.hold))
                       : ""),
       events::HoldStarted{stage.hold.count(), remaining_ms});
  save_state("running");
  HoldState h(stage, ports_.clock.now(), remaining_ms);

  for (;;) {
    if (auto done = hold_over(h)) return *done;
    if (auto done = hold_wait(h)) return *done;
    if (stage.gates.empty() || ports_.clock.now() < h.next) continue;
    record_measurements(h);
    if (auto done = act_on_breaches(h)) return *done;
    while (h.next <= ports_.clock.now()) h.next += h.interval;
  }
}

// The hold is over when its time is up and every gate passes (for a notify stage: was
// measured): promote, or ask a person and wait for the answer within its timeout. Time up
// with gates not passing: max_extend for them, then a breach.
std::optional<Engine::Flow> Engine::hold_over(HoldState& h) {
  const runbook::Stage& stage = h.stage;
  const Duration now = ports_.clock.now();
  if (now < h.end) return std::nullopt;
  const bool all_pass =
      std::all_of(h.trackers.begin(), h.trackers.end(), [&](const GateTracker& t) {
        return h.notify_only ? t.latest().has_value() : t.latest() == Outcome::pass;
      });
  if (!all_pass) {
    if (h.notify_only) return std::nullopt;
    if (!h.extend_until) h.extend_until = now + h.max_extend;
    if (now >= *h.extend_until) return extension_over(stage, h.trackers, h.asked, h.max_extend);
    return std::nullopt;
  }
  h.extend_until.reset();
  if (h.notify_only && !h.reported) {
    h.reported = true;
    report_not_passing(stage, h.trackers);
  }
  if (stage.advance == runbook::AdvanceMode::automatic) return Flow{};
  if (!h.asked) {
    h.asked = true;
    emit(stage.name,
         fmt::format("stage {} is healthy; waiting for `rollout advance {}`{}{}", stage.name,
                     book_.rollout.name,
                     stage.approve_url.empty() ? "" : " or a 200 from approve_url",
                     stage.approval_timeout
                         ? " (times out in " + format_duration(*stage.approval_timeout) + ")"
                         : ""),
         events::AwaitingApproval{stage.approval_timeout
                                      ? std::optional(stage.approval_timeout->count())
                                      : std::nullopt});
    save_state("running");
    if (opts_.auto_approve) {
      emit(stage.name, "approved (rehearsal)", events::Advanced{"dry-run", 0});
      return Flow{};
    }
    if (!opts_.interactive && stage.approve_url.empty())
      return Flow{Stop{pause_exit("awaiting approval", stage.name)}};
    if (stage.approval_timeout) h.approval_deadline = now + *stage.approval_timeout;
  } else if (h.approval_deadline && now >= *h.approval_deadline) {
    const std::string why =
        fmt::format("no approval within {}", format_duration(*stage.approval_timeout));
    if (stage.on_timeout == runbook::OnTimeout::rollback)
      return Flow{Stop{rollback(events::RollbackTrigger::timeout, why)}};
    return Flow{Stop{pause_exit(why, stage.name)}};
  }
  if (auto done = poll_approval(stage, h.approval, h.approval_deadline)) return *done;
  return std::nullopt;
}

// Sleeps until the next thing that can happen: a measurement, the end of the hold or of
// its extension, the approval deadline, or a request (an advance ends the hold).
std::optional<Engine::Flow> Engine::hold_wait(HoldState& h) {
  const Duration now = ports_.clock.now();
  const bool time_up = now >= h.end;
  Duration deadline =
      h.stage.gates.empty() ? (time_up ? now + Duration(3'600'000) : h.end) : h.next;
  if (!time_up) deadline = std::min(deadline, h.end);
  if (h.extend_until) deadline = std::min(deadline, *h.extend_until);
  if (h.approval_deadline) deadline = std::min(deadline, *h.approval_deadline);
  if (h.approval.next) deadline = std::min(deadline, *h.approval.next);
  auto req = wait_until(deadline, true);
  if (!req) return std::nullopt;
  if (req->kind == ControlRequest::Kind::advance) {
    const auto skipped = std::max<std::int64_t>(0, (h.end - ports_.clock.now()).count());
    emit(
        h.stage.name,
        fmt::format("advanced by {}{}", req->by,
                    skipped ? ", skipping " + format_duration(Duration(skipped)) + " of hold" : ""),
        events::Advanced{req->by, skipped});
    return Flow{};
  }
  if (auto flow = on_request(*req, h.stage.name, true)) return flow;
  return std::nullopt;
}

// Measures every gate once and journals each measurement with its consecutive counts.
void Engine::record_measurements(HoldState& h) {
  const runbook::Stage& stage = h.stage;
  const std::vector<Measured> measured = measure(stage.gates, &stage);
  ++measurements_;
  const Duration at = ports_.clock.now();
  for (std::size_t k = 0; k < stage.gates.size(); ++k) {
    const runbook::Gate& gate = stage.gates[k];
    const Measured& m = measured[k];
    h.trackers[k].record(m.outcome, at, gate);
    const auto check = book_.checks.find(gate.check);
    const runbook::Unit unit =
        check != book_.checks.end() ? check->second.unit : runbook::Unit::count;
    events::GateMeasured data{
        gate.text,
        gate.check,
        m.query,
        m.reading.kind == Reading::Kind::value ? std::optional(m.reading.value) : std::nullopt,
        gate.threshold,
        runbook::to_string(gate.op),
        runbook::to_string(unit),
        m.outcome,
        m.reading.detail,
        h.trackers[k].fails(),
        h.trackers[k].inconclusives(),
        h.trackers[k].errors()};
    // A value that is an error (impossible for its unit) says why on the same line.
    const std::string shown =
        m.reading.kind == Reading::Kind::value
            ? format_measurement(m.reading.value, runbook::dimension_of(unit)) +
                  (m.outcome == Outcome::error && !m.reading.detail.empty()
                       ? " (" + m.reading.detail + ")"
                       : "")
        : m.reading.kind == Reading::Kind::empty ? std::string("no data")
                                                 : "error: " + m.reading.detail;
    emit(stage.name,
         fmt::format("{}: {} {} {} -> {}", gate.check, shown, runbook::to_string(gate.op),
                     format_measurement(gate.threshold, runbook::dimension_of(unit)),
                     to_string(m.outcome)),
         std::move(data));
  }
}

// The first gate whose counter reached its limit acts (a notify breach tells once per
// episode and the hold goes on).
std::optional<Engine::Flow> Engine::act_on_breaches(HoldState& h) {
  const runbook::Stage& stage = h.stage;
  for (std::size_t k = 0; k < stage.gates.size(); ++k) {
    auto b = h.trackers[k].breached(stage);
    if (!b) continue;
    const runbook::Gate& gate = stage.gates[k];
    const bool one = b->limit == 1;
    const std::string why =
        fmt::format("gate '{}' breached: {} {} in a row (limit {})", gate.text, b->limit,
                    b->counter == events::BreachCounter::failure ? (one ? "failure" : "failures")
                    : b->counter == events::BreachCounter::inconclusive
                        ? (one ? "inconclusive measurement" : "inconclusive measurements")
                        : (one ? "error" : "errors"),
                    b->limit);
    emit(stage.name, why,
         events::Breach{gate.text, b->counter, b->limit, std::nullopt,
                        breach_action(stage.on_breach)});
    if (stage.on_breach == runbook::OnBreach::notify) {
      h.trackers[k].notified();  // once per episode: the next breach needs a pass first
      continue;
    }
    return act_on_breach(stage, why);
  }
  return std::nullopt;
}

Engine::Flow Engine::act_on_breach(const runbook::Stage& stage, const std::string& why) {
  if (stage.on_breach == runbook::OnBreach::rollback)
    return Stop{rollback(events::RollbackTrigger::breach, why)};
  if (!opts_.interactive || opts_.auto_approve) return Stop{pause_exit(why, stage.name)};
  return wait_for_operator(stage, why);
}

// max_extend is over and an acting gate is still not passing: a breach, named after the
// first such gate.
Engine::Flow Engine::extension_over(const runbook::Stage& stage,
                                    const std::vector<GateTracker>& trackers, bool asked,
                                    Duration max_extend) {
  std::size_t k = 0;
  while (k + 1 < trackers.size() && trackers[k].latest() == Outcome::pass) ++k;
  const runbook::Gate& gate = stage.gates[k];
  const auto latest = trackers[k].latest();
  const std::string why =
      fmt::format("gate '{}' not passing {} after {} (max_extend; latest: {})", gate.text,
                  format_duration(max_extend), asked ? "it stopped passing" : "the hold ended",
                  latest ? to_string(*latest) : "not measured");
  emit(stage.name, why,
       events::Breach{gate.text, events::BreachCounter::max_extend,
                      (max_extend.count() + 999) / 1000,  // whole seconds, shown like a count
                      max_extend.count(), breach_action(stage.on_breach)});
  return act_on_breach(stage, why);
}

// A notify stage promotes at the end of its hold whatever its gates say: say which are
// not passing, so that promotion is never silent.
void Engine::report_not_passing(const runbook::Stage& stage,
                                const std::vector<GateTracker>& trackers) {
  for (std::size_t k = 0; k < trackers.size(); ++k) {
    const auto latest = trackers[k].latest();
    if (latest == Outcome::pass) continue;
    const std::string message = fmt::format(
        "gate '{}' not passing at the end of the hold (latest: {}); on_breach = notify: the "
        "stage promotes",
        stage.gates[k].text, latest ? to_string(*latest) : "not measured");
    emit(stage.name, message, events::Warning{message});
  }
}

Engine::Flow Engine::wait_for_operator(const runbook::Stage& stage, const std::string& reason) {
  emit(stage.name,
       fmt::format("paused: {}; `rollout advance {}` continues, `rollout abort {}` rolls back",
                   reason, book_.rollout.name, book_.rollout.name),
       events::Paused{reason});
  save_state("paused");
  for (;;) {
    auto req = wait_until(ports_.clock.now() + Duration(3'600'000), true);
    if (!req) continue;
    if (req->kind == ControlRequest::Kind::advance) {
      emit(stage.name, fmt::format("advanced by {}", req->by), events::Advanced{req->by, 0});
      return std::nullopt;
    }
    if (auto flow = on_request(*req, stage.name, true)) return flow;
  }
}

}  // namespace rollout::engine
