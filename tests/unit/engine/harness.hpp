// Shared by the engine tests: a runbook built in code (the reference deployment's shape:
// canary 1% 2h -> ramp 10% 4h -> full 100% 48h) and a rig of fakes on a virtual clock.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/template.hpp"
#include "engine/engine.hpp"
#include "engine/position.hpp"
#include "fakes/memory_control.hpp"
#include "fakes/memory_store.hpp"
#include "rehearsal/scripted_world.hpp"
#include "rehearsal/virtual_clock.hpp"

namespace test {

using namespace rollout;
using namespace std::chrono_literals;

inline runbook::Gate gate(std::string check, runbook::CompareOp op, double threshold,
                          std::string text, std::optional<Duration> sustain = std::nullopt) {
  runbook::Gate g;
  g.check = std::move(check);
  g.op = op;
  g.threshold = threshold;
  g.text = std::move(text);
  g.sustain = sustain;
  return g;
}

inline runbook::Step step(runbook::Action a, std::optional<Duration> budget = std::nullopt) {
  return runbook::Step{std::move(a), budget, {}};
}

inline runbook::Runbook reference_book() {
  runbook::Runbook b;
  b.path = "reference.toml";
  b.rollout.name = "analyzer";
  b.router = runbook::ExecRouterSpec{{}, {"./set-weights.sh"}};
  runbook::PrometheusSourceSpec prom;
  prom.name = "prom";
  b.metrics["prom"] = prom;
  runbook::Check err;
  err.name = "error_rate";
  err.source = "prom";
  err.query = "errors";
  err.unit = runbook::Unit::ratio;
  b.checks["error_rate"] = err;
  runbook::Check p99;
  p99.name = "p99_latency";
  p99.source = "prom";
  p99.query = "p99";
  p99.unit = runbook::Unit::seconds;
  b.checks["p99_latency"] = p99;
  runbook::Health canary;
  canary.name = "canary";
  canary.urls = {"http://127.0.0.1:8082/health"};
  canary.successes = 3;
  b.health["canary"] = canary;
  runbook::Health stable;
  stable.name = "stable";
  stable.urls = {"http://127.0.0.1:8081/health"};
  b.health["stable"] = stable;

  runbook::Stage s1;
  s1.name = "canary";
  s1.weight = 1;
  s1.hold = 2h;
  s1.rules.interval = 30s;
  s1.gates = {gate("error_rate", runbook::CompareOp::lt, 0.01, "error_rate < 1%"),
              gate("p99_latency", runbook::CompareOp::lt, 0.2, "p99_latency < 200ms")};
  s1.rules.failure_limit = 2;
  runbook::RunStep deploy;
  deploy.argv = {"./deploy.sh", "canary"};
  s1.before = {step(deploy), step(runbook::HealthStep{"canary"})};
  runbook::Stage s2 = s1;
  s2.name = "ramp";
  s2.weight = 10;
  s2.hold = 4h;
  s2.before.clear();
  s2.gates[0] = gate("error_rate", runbook::CompareOp::lt, 0.005, "error_rate < 0.5%");
  runbook::Stage s3 = s2;
  s3.name = "full";
  s3.weight = 100;
  s3.hold = 48h;
  s3.gates = {gate("error_rate", runbook::CompareOp::lt, 0.001, "error_rate < 0.1% for 1h", 1h)};
  s3.rules.on_breach = runbook::OnBreach::pause;
  b.stages = {s1, s2, s3};

  b.rollback.budget = 5min;
  runbook::KillStep kill;
  kill.name = "ultra_fast_analyzer";
  runbook::RunStep restart;
  restart.argv = {"npm", "run", "start:analyzer:original"};
  b.rollback.steps = {step(runbook::WeightStep{0}, 30s), step(kill, 1min), step(restart, 2min),
                      step(runbook::HealthStep{"stable"}, 1min)};
  return b;
}

// Small holds, for tests that run the whole rollout many times (crash injection).
inline runbook::Runbook small_book() {
  runbook::Runbook b = reference_book();
  for (auto& s : b.stages) {
    s.hold = 2min;
    s.rules.interval = 30s;
    for (auto& g : s.gates) g.sustain.reset();
  }
  return b;
}

class Recorder : public EventSink {
 public:
  void on_event(const Event& e) override { events.push_back(e); }
  std::vector<Event> of(EventType t) const {
    std::vector<Event> out;
    for (const auto& e : events)
      if (e.type == t) out.push_back(e);
    return out;
  }
  bool has(EventType t) const { return !of(t).empty(); }
  std::vector<Event> events;
};

struct Rig {
  explicit Rig(runbook::Runbook b, rehearsal::Scenario sc = {})
      : book(std::move(b)),
        expander(book.vars, [](const std::string&) { return std::optional<std::string>(); }),
        control(clock),
        world(book, std::move(sc), clock) {}

  engine::Ports ports() {
    return engine::Ports{clock,          control,         world.router(), world.sources(),
                         world.health(), world.process(), world.http(),   store};
  }

  ExitCode start(engine::Options opts = {}) {
    engine::Engine e(book, expander, ports(), opts);
    e.subscribe(&world);
    e.subscribe(&rec);
    return e.start();
  }

  ExitCode resume(std::optional<ControlRequest> first = std::nullopt, engine::Options opts = {}) {
    engine::Engine e(book, expander, ports(), opts);
    e.subscribe(&world);
    e.subscribe(&rec);
    return e.resume(journal(), first);
  }

  std::vector<Event> journal() const { return engine::events_from_journal(*store.journal()); }
  engine::Position position() const { return engine::replay(journal()); }

  runbook::Runbook book;
  Expander expander;
  rehearsal::VirtualClock clock;
  fakes::MemoryStateStore store;
  fakes::MemoryControl control;
  rehearsal::ScriptedWorld world;
  Recorder rec;
};

inline rehearsal::ScenarioPoint value_at(std::string stage, Duration at, double v) {
  return rehearsal::ScenarioPoint{std::move(stage), at, Reading{Reading::Kind::value, v, "test"}};
}
inline rehearsal::ScenarioPoint empty_at(std::string stage, Duration at) {
  return rehearsal::ScenarioPoint{std::move(stage), at,
                                  Reading{Reading::Kind::empty, 0, "test: empty"}};
}
inline rehearsal::ScenarioPoint error_at(std::string stage, Duration at) {
  return rehearsal::ScenarioPoint{std::move(stage), at,
                                  Reading{Reading::Kind::error, 0, "test: timeout"}};
}

}  // namespace test
