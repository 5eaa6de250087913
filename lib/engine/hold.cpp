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

Engine::Flow Engine::hold(const runbook::Stage& stage, std::int64_t remaining_ms) {
  emit(stage.name,
       fmt::format("holding {}% for {}{}", stage.weight, format_duration(Duration(remaining_ms)),
                   remaining_ms != stage.hold.count()
                       ? fmt::format(" (of {})", format_duration(stage.hold))
                       : ""),
       events::HoldStarted{stage.hold.count(), remaining_ms});
  save_state("running");
  Clock& clock = ports_.clock;
  const Duration t0 = clock.now();
  const Duration end = t0 + Duration(remaining_ms);
  const Duration interval = std::max(stage.interval, Duration(100));
  std::vector<GateTracker> trackers(stage.gates.size());
  Duration next = std::min(t0 + interval, end);
  bool asked = false;
  std::optional<Duration> approval_deadline;
  // Gates of a notify stage never hold it up: they need only have been measured. Other
  // gates not passing when the hold is over get max_extend to pass, then on_breach acts.
  const bool notify_only = stage.on_breach == runbook::OnBreach::notify;
  const Duration max_extend = runbook::max_extend_of(stage);
  std::optional<Duration> extend_until;
  bool reported = false;

  for (;;) {
    const Duration now = clock.now();
    const bool time_up = now >= end;
    const bool all_pass = std::all_of(trackers.begin(), trackers.end(), [&](const GateTracker& t) {
      return notify_only ? t.latest().has_value() : t.latest() == Outcome::pass;
    });
    if (time_up && all_pass) {
      extend_until.reset();
      if (notify_only && !reported) {
        reported = true;
        report_not_passing(stage, trackers);
      }
      if (stage.advance == runbook::AdvanceMode::automatic) return std::nullopt;
      if (!asked) {
        asked = true;
        emit(stage.name,
             fmt::format("stage {} is healthy; waiting for `rollout advance {}`{}", stage.name,
                         book_.rollout.name,
                         stage.approval_timeout
                             ? " (times out in " + format_duration(*stage.approval_timeout) + ")"
                             : ""),
             events::AwaitingApproval{stage.approval_timeout
                                          ? std::optional(stage.approval_timeout->count())
                                          : std::nullopt});
        save_state("running");
        if (opts_.auto_approve) {
          emit(stage.name, "approved (rehearsal)", events::Advanced{"dry-run", 0});
          return std::nullopt;
        }
        if (!opts_.interactive) return Stop{pause_exit("awaiting approval", stage.name)};
        if (stage.approval_timeout) approval_deadline = now + *stage.approval_timeout;
      } else if (approval_deadline && now >= *approval_deadline) {
        const std::string why =
            fmt::format("no approval within {}", format_duration(*stage.approval_timeout));
        if (stage.on_timeout == runbook::OnTimeout::rollback)
          return Stop{rollback(events::RollbackTrigger::timeout, why)};
        return Stop{pause_exit(why, stage.name)};
      }
    } else if (time_up && !notify_only) {
      if (!extend_until) extend_until = now + max_extend;
      if (now >= *extend_until) return extension_over(stage, trackers, asked, max_extend);
    }
    // Sleep until the next thing that can happen: a measurement, the end of the hold or
    // of its extension, the approval deadline, or a request.
    Duration deadline = stage.gates.empty() ? (time_up ? now + Duration(3'600'000) : end) : next;
    if (!time_up) deadline = std::min(deadline, end);
    if (extend_until) deadline = std::min(deadline, *extend_until);
    if (approval_deadline) deadline = std::min(deadline, *approval_deadline);
    if (auto req = wait_until(deadline, true)) {
      if (req->kind == ControlRequest::Kind::advance) {
        const auto skipped = std::max<std::int64_t>(0, (end - clock.now()).count());
        emit(stage.name,
             fmt::format(
                 "advanced by {}{}", req->by,
                 skipped ? ", skipping " + format_duration(Duration(skipped)) + " of hold" : ""),
             events::Advanced{req->by, skipped});
        return std::nullopt;
      }
      if (auto flow = on_request(*req, stage.name, true)) return flow;
      continue;
    }
    if (stage.gates.empty() || clock.now() < next) continue;

    const std::vector<Measured> measured = measure(stage.gates, &stage);
    ++measurements_;
    const Duration at = clock.now();
    for (std::size_t k = 0; k < stage.gates.size(); ++k) {
      const runbook::Gate& gate = stage.gates[k];
      const Measured& m = measured[k];
      trackers[k].record(m.outcome, at, gate);
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
          trackers[k].fails(),
          trackers[k].inconclusives(),
          trackers[k].errors()};
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
    for (std::size_t k = 0; k < stage.gates.size(); ++k) {
      auto b = trackers[k].breached(stage);
      if (!b) continue;
      const runbook::Gate& gate = stage.gates[k];
      const std::string why = fmt::format(
          "gate '{}' breached: {} {} in a row (limit {})", gate.text, b->limit,
          b->counter == events::BreachCounter::failure        ? "failures"
          : b->counter == events::BreachCounter::inconclusive ? "inconclusive measurements"
                                                              : "errors",
          b->limit);
      emit(stage.name, why,
           events::Breach{gate.text, b->counter, b->limit, std::nullopt,
                          breach_action(stage.on_breach)});
      if (stage.on_breach == runbook::OnBreach::notify) {
        trackers[k].notified();  // once per episode: the next breach needs a pass first
        continue;
      }
      return act_on_breach(stage, why);
    }
    while (next <= clock.now()) next += interval;
  }
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
