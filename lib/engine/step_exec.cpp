// Running one step of any kind: weight, health, gate, run, kill, http, pause. Every wait
// inside a step watches for abort and interrupt requests.
#include <algorithm>

#include <fmt/format.h>

#include "core/overloaded.hpp"
#include "core/printable.hpp"
#include "engine/engine.hpp"
#include "runbook/describe.hpp"

namespace rollout::engine {

namespace {

Duration cap(Duration d, std::optional<Duration> limit) {
  return limit ? std::max(Duration(1), std::min(d, *limit)) : d;
}

}  // namespace

std::string Engine::describe(const runbook::Step& step, const runbook::Stage* stage) const {
  // The same words as `rollout plan`: templates resolved, secrets as ***.
  return runbook::describe(step, book_, expander_for(stage));
}

Engine::StepResult Engine::execute(const runbook::Step& step, const runbook::Stage* stage,
                                   std::optional<Duration> limit, bool in_rollback) {
  const std::string stage_name = stage ? stage->name : std::string();
  return std::visit(
      Overloaded{
          [&](const runbook::WeightStep& s) { return exec_weight(s.canary, stage_name); },
          [&](const runbook::HealthStep& s) {
            return exec_health(s.health, limit, in_rollback, stage_name);
          },
          [&](const runbook::GateStep& s) { return exec_gate(s.gate, stage_name); },
          [&](const runbook::RunStep& s) { return exec_run(s, limit, stage); },
          [&](const runbook::KillStep& s) { return exec_kill(s, stage); },
          [&](const runbook::HttpStep& s) { return exec_http(s, limit, stage); },
          [&](const runbook::PauseStep& s) {
            if (in_rollback) {
              // A rollback never waits for a person; a timed pause still waits.
              if (!s.duration) return StepResult{};
            }
            return exec_pause(s, stage_name);
          },
      },
      step.action);
}

Engine::StepResult Engine::exec_weight(int canary, const std::string& stage) {
  const Split split{100 - canary, canary};
  StepResult r;
  if (canary > replayer_.position().split.canary) {
    // Toward the canary only on a durable journal and a lock still ours.
    check_trust();
    if (distrust_) {
      r.ok = false;
      r.detail = "not moved toward the canary: " + distrust_->why;
      r.request = distrust_request();
      return r;
    }
  }
  auto set = ports_.router.set(split);
  r.ok = set.ok();
  if (!r.ok) r.detail = set.error().message;
  emit(stage,
       r.ok ? fmt::format("traffic {}/{} (stable/canary)", split.stable, split.canary)
            : fmt::format("setting traffic {}/{} FAILED: {}", split.stable, split.canary, r.detail),
       events::WeightSet{split.stable, split.canary, r.ok, r.detail});
  save_state(in_rollback_ ? "rolling_back" : "running");  // state.json follows the router
  return r;
}

Engine::StepResult Engine::exec_health(const std::string& name, std::optional<Duration> limit,
                                       bool in_rollback, const std::string& stage) {
  (void)in_rollback;
  (void)stage;
  StepResult r;
  const auto it = book_.health.find(name);
  if (it == book_.health.end()) {
    r.ok = false;
    r.detail = "no [health." + name + "]";
    return r;
  }
  const runbook::Health& spec = it->second;
  const Expander ex = expander_for(nullptr);
  auto urls = ex.expand(spec.urls);
  if (!urls) {
    r.ok = false;
    r.detail = urls.error().message;
    return r;
  }
  Clock& clock = ports_.clock;
  const Duration deadline = clock.now() + cap(spec.deadline, limit);
  const Duration interval = std::max(spec.interval, Duration(100));
  int consecutive = 0;
  const int needed = std::max(1, spec.successes);
  for (;;) {
    // No poll outlives the deadline: its timeout is capped by what is left of it.
    runbook::Health round = spec;
    round.timeout = std::max(Duration(1), std::min(spec.timeout, deadline - clock.now()));
    const auto results = ports_.health.probe(*urls, round);
    const auto bad =
        std::find_if(results.begin(), results.end(), [](const ProbeResult& p) { return !p.ok; });
    if (bad == results.end() && !results.empty()) {
      if (++consecutive >= needed) {
        r.detail =
            fmt::format("{} url(s) healthy {} time(s) in a row", results.size(), consecutive);
        return r;
      }
    } else {
      consecutive = 0;
      r.detail = bad != results.end() ? bad->url + ": " + bad->detail : "no urls";
    }
    if (clock.now() + interval > deadline) {
      r.ok = false;
      r.detail =
          fmt::format("not healthy within {}: {}", format_duration(cap(spec.deadline, limit)),
                      r.detail.empty() ? "too few successes" : r.detail);
      return r;
    }
    if (auto req = wait_until(clock.now() + interval, false)) {
      r.ok = false;
      r.detail = "interrupted";
      r.request = std::move(req);
      return r;
    }
  }
}

Engine::StepResult Engine::exec_gate(const runbook::Gate& gate, const std::string& stage) {
  StepResult r;
  // A flaky source gets two more chances before a one-off gate fails; a fail is final.
  for (int attempt = 1;; ++attempt) {
    const auto m = measure({&gate}, nullptr).front();
    r.ok = m.outcome == Outcome::pass;
    r.detail =
        fmt::format("{}: {} ({})", gate.text,
                    m.reading.word                           ? *m.reading.word
                    : m.reading.kind == Reading::Kind::value ? fmt::format("{}", m.reading.value)
                    : m.reading.kind == Reading::Kind::empty ? std::string("no data")
                                                             : m.reading.detail,
                    to_string(m.outcome));
    if (r.ok || m.outcome == Outcome::fail || attempt >= 3) return r;
    if (auto req = wait_until(ports_.clock.now() + Duration(5000), false)) {
      r.ok = false;
      r.request = std::move(req);
      return r;
    }
    (void)stage;
  }
}

Engine::StepResult Engine::exec_run(const runbook::RunStep& step, std::optional<Duration> limit,
                                    const runbook::Stage* stage) {
  StepResult r;
  const Expander ex = expander_for(stage);
  runbook::RunStep run = step;
  if (!step.argv.empty()) {
    auto argv = ex.expand(step.argv);
    if (!argv) return StepResult{false, argv.error().message, "", std::nullopt, std::nullopt};
    run.argv = std::move(*argv);
  }
  if (!step.shell.empty()) {
    auto sh = ex.expand_shell(step.shell);  // values become quoted words, never syntax
    if (!sh) return StepResult{false, sh.error().message, "", std::nullopt, std::nullopt};
    run.shell = std::move(*sh);
  }
  for (auto& [k, v] : run.env) {
    auto val = ex.expand(v);
    if (!val) return StepResult{false, val.error().message, "", std::nullopt, std::nullopt};
    v = std::move(*val);
  }
  run.timeout = cap(step.timeout, limit);
  if (step.background) return start_background(step, run, stage);  // stage_jobs.cpp
  auto out = ports_.process.run(run);
  if (!out) {
    r.ok = false;
    r.detail = out.error().message;
    return r;
  }
  r.output = out->output;
  if (out->cancelled) {
    r.ok = false;
    r.detail = "cancelled";
    r.request = ControlRequest{ControlRequest::Kind::interrupt, "SIGINT", ""};
    ++interrupts_;
    return r;
  }
  if (out->timed_out) {
    r.ok = false;
    r.detail = "timed out after " + format_duration(run.timeout);
    return r;
  }
  r.ok = std::find(step.expect_exit.begin(), step.expect_exit.end(), out->exit_code) !=
         step.expect_exit.end();
  r.detail = out->exit_code < 0 ? std::string("killed by a signal")
                                : fmt::format("exit {}", out->exit_code);
  return r;
}

Engine::StepResult Engine::exec_kill(const runbook::KillStep& step, const runbook::Stage* stage) {
  StepResult r;
  // A pidfile path or pattern may name ${vars.X}: kill what the runbook means, not the text.
  runbook::KillStep resolved = step;
  const Expander ex = expander_for(stage);
  for (std::string* field : {&resolved.pidfile, &resolved.name, &resolved.pattern}) {
    auto value = ex.expand(*field);
    if (!value) {
      r.ok = false;
      r.detail = value.error().message;
      return r;
    }
    *field = std::move(*value);
  }
  auto out = ports_.process.kill(resolved);
  if (!out) {
    r.ok = false;
    r.detail = out.error().message;
    return r;
  }
  if (out->matched.empty()) {
    // Nothing to kill is fine: a rollback must be repeatable.
    emit(stage ? stage->name : std::string(), "kill: no process matched",
         events::Warning{"kill matched no process" +
                         (out->detail.empty() ? "" : ": " + out->detail)});
  }
  r.ok = out->survivors.empty();
  r.detail =
      fmt::format("{} signalled, {} forced, {} survived{}", out->matched.size(), out->forced.size(),
                  out->survivors.size(), out->detail.empty() ? "" : "; " + out->detail);
  return r;
}

Engine::StepResult Engine::exec_http(const runbook::HttpStep& step, std::optional<Duration> limit,
                                     const runbook::Stage* stage) {
  StepResult r;
  const Expander ex = expander_for(stage);
  HttpRequest req;
  req.method = step.method;
  req.timeout = cap(step.timeout, limit);
  req.insecure = step.insecure;
  auto url = ex.expand(step.url);
  auto body = ex.expand(step.body);
  if (!url || !body) {
    r.ok = false;
    r.detail = !url ? url.error().message : body.error().message;
    return r;
  }
  req.url = *url;
  req.body = *body;
  for (const auto& [k, v] : step.headers) {
    auto hv = ex.expand(v);
    if (!hv) return StepResult{false, hv.error().message, "", std::nullopt, std::nullopt};
    req.headers[k] = *hv;
  }
  // With a limit (a rollback step's budget) the retries share it: each attempt gets what
  // is left, and none starts once it is spent.
  // (A bool and a plain Duration, not an optional: GCC 12's -O2 warns that an optional
  // Duration here may be used uninitialized.)
  const bool bounded = limit.has_value();
  const Duration until = bounded ? ports_.clock.now() + *limit : Duration::max();
  for (int attempt = 0; attempt <= std::max(0, step.retries); ++attempt) {
    if (bounded) {
      if (attempt > 0 && ports_.clock.now() >= until) break;
      req.timeout = cap(step.timeout, std::max(Duration(1), until - ports_.clock.now()));
    }
    auto resp = ports_.http.send(req);
    if (resp && resp->status >= 200 && resp->status < 300) {
      r.ok = true;
      r.detail = fmt::format("HTTP {}", resp->status);
      return r;
    }
    r.ok = false;
    r.detail = resp ? fmt::format("HTTP {}: {}", resp->status, excerpt(resp->body, 200))
                    : resp.error().message;
    if (attempt < step.retries) {
      Duration pause(1000 << std::min(attempt, 4));
      if (bounded && ports_.clock.now() + pause >= until) break;
      if (auto stop = wait_until(ports_.clock.now() + pause, false)) {
        r.request = std::move(stop);
        return r;
      }
    }
  }
  return r;
}

Engine::StepResult Engine::exec_pause(const runbook::PauseStep& step, const std::string& stage) {
  StepResult r;
  Clock& clock = ports_.clock;
  if (step.duration) {
    if (auto req = wait_until(clock.now() + *step.duration, true)) {
      if (req->kind == ControlRequest::Kind::advance) {
        emit(stage, fmt::format("pause ended early by {}", req->by), events::Advanced{req->by, 0});
        return r;
      }
      r.ok = false;
      r.detail = "interrupted";
      r.request = std::move(req);
    }
    return r;
  }
  emit(stage, fmt::format("paused until `rollout advance {}`", book_.rollout.name),
       events::AwaitingApproval{
           step.approval_timeout ? std::optional(step.approval_timeout->count()) : std::nullopt});
  if (opts_.auto_approve) {
    emit(stage, "approved (rehearsal)", events::Advanced{"dry-run", 0});
    return r;
  }
  // An advance already given (by a process that found no runner) passes at once.
  if (auto req = take(true); req && req->kind == ControlRequest::Kind::advance) {
    emit(stage, fmt::format("advanced by {}", req->by), events::Advanced{req->by, 0});
    return r;
  } else if (req) {
    r.ok = false;
    r.detail = "interrupted";
    r.request = std::move(req);
    return r;
  }
  if (!opts_.interactive) {
    r.stop = Stop{pause_exit("pause step: waiting for advance", stage)};
    return r;
  }
  const std::optional<Duration> deadline =
      step.approval_timeout ? std::optional<Duration>(clock.now() + *step.approval_timeout)
                            : std::nullopt;
  for (;;) {
    auto req = wait_until(deadline ? *deadline : clock.now() + Duration(3'600'000), true);
    if (req && req->kind == ControlRequest::Kind::advance) {
      emit(stage, fmt::format("advanced by {}", req->by), events::Advanced{req->by, 0});
      return r;
    }
    if (req) {
      r.ok = false;
      r.detail = "interrupted";
      r.request = std::move(req);
      return r;
    }
    if (deadline && clock.now() >= *deadline) {
      const std::string why = "no advance within " + format_duration(*step.approval_timeout);
      if (step.on_timeout == runbook::OnTimeout::rollback) {
        r.ok = false;
        r.detail = why;
        r.trigger = events::RollbackTrigger::timeout;
        return r;
      }
      r.stop = Stop{pause_exit(why, stage)};
      return r;
    }
  }
}

}  // namespace rollout::engine
