// Every wait of the engine is bounded: a notify breach notifies once per episode and never
// extends a hold; a hold whose gates are not passing at its end waits at most max_extend,
// then the stage's breach rule acts; a health step ends within its deadline whatever its
// probe timeout; an http rollback step's retries stay within its budget.
#include <doctest/doctest.h>

#include <stdexcept>

#include "harness.hpp"

using namespace test;
using rollout::EventType;
using rollout::ExitCode;
using rollout::runbook::OnBreach;

namespace {

// Stops a runaway rollout: an unbounded hold would otherwise never return.
class Watchdog : public rollout::EventSink {
 public:
  Watchdog(const rollout::Clock& clock, Duration limit) : clock_(clock), limit_(limit) {}
  void on_event(const rollout::Event&) override {
    if (clock_.now() > limit_) throw std::runtime_error("rollout still running past the limit");
  }

 private:
  const rollout::Clock& clock_;
  Duration limit_;
};

ExitCode start_bounded(Rig& rig, rollout::engine::Options opts = {}, Duration limit = 200h) {
  Watchdog dog(rig.clock, limit);
  rollout::engine::Engine e(rig.book, rig.expander, rig.ports(), opts);
  e.subscribe(&rig.world);
  e.subscribe(&rig.rec);
  e.subscribe(&dog);
  return e.start();
}

// From the start of a stage's hold to its stage_completed event.
std::int64_t hold_ms(const Recorder& rec, std::size_t index) {
  const auto held = rec.of(EventType::hold_started);
  const auto done = rec.of(EventType::stage_completed);
  REQUIRE(held.size() > index);
  REQUIRE(done.size() > index);
  return done[index].t_ms - held[index].t_ms;
}

}  // namespace

TEST_CASE("notify: one breach per episode, and the hold ends on time") {
  auto book = reference_book();
  book.stages[0].rules.on_breach = OnBreach::notify;
  SUBCASE("two failing episodes, each ended by a pass: two breaches") {
    Rig rig(book);
    rig.world.script("error_rate", value_at("canary", 30min, 0.03));
    rig.world.script("error_rate", value_at("canary", 1h, 0.0001));
    rig.world.script("error_rate", value_at("canary", 1h + 20min, 0.03));
    rig.world.script("error_rate", value_at("canary", 1h + 30min, 0.0001));
    CHECK(start_bounded(rig) == ExitCode::ok);
    const auto breaches = rig.rec.of(EventType::breach);
    REQUIRE(breaches.size() == 2);
    CHECK(to_json(breaches[0])["action"] == "notify");
    CHECK(to_json(breaches[1])["action"] == "notify");
    CHECK(hold_ms(rig.rec, 0) == Duration(2h).count());
  }
  SUBCASE("a gate failing to the end: one breach, the stage promotes at the end of its hold") {
    Rig rig(book);
    rig.world.script("error_rate", value_at("canary", 1h + 50min, 0.03));
    rig.world.script("error_rate", value_at("ramp", 0s, 0.0001));
    CHECK(start_bounded(rig) == ExitCode::ok);
    CHECK(rig.rec.of(EventType::breach).size() == 1);
    CHECK(hold_ms(rig.rec, 0) == Duration(2h).count());
    // The failing gate is reported when the stage promotes.
    bool reported = false;
    for (const auto& w : rig.rec.of(EventType::warning))
      reported |= w.stage == "canary" && w.summary.find("error_rate < 1%") != std::string::npos &&
                  w.summary.find("not passing") != std::string::npos;
    CHECK(reported);
    CHECK(rig.world.router().current() == rollout::Split{0, 100});
  }
}

TEST_CASE("a hold whose gates are not passing at its end waits at most max_extend") {
  auto book = reference_book();
  book.stages[0].rules.error_limit = 1000;  // the counters alone would never act
  SUBCASE("a gate erroring past max_extend: the breach rule acts, naming the gate") {
    book.stages[0].max_extend = 2min;
    Rig rig(book);
    rig.world.script("error_rate", error_at("canary", 1h + 50min));
    CHECK(start_bounded(rig) == ExitCode::rolled_back);
    const auto breach = rig.rec.of(EventType::breach);
    REQUIRE(breach.size() == 1);
    CHECK(to_json(breach[0])["counter"] == "max_extend");
    CHECK(to_json(breach[0])["action"] == "rollback");
    CHECK(breach[0].summary.find("error_rate < 1%") != std::string::npos);
    CHECK(breach[0].summary.find("not passing 2m after the hold ended") != std::string::npos);
    const auto started = rig.rec.of(EventType::hold_started)[0].t_ms;
    CHECK(breach[0].t_ms - started == Duration(2h + 2min).count());
    CHECK(rig.world.router().current() == rollout::Split{100, 0});
  }
  SUBCASE("a gate that passes within max_extend promotes then") {
    book.stages[0].max_extend = 5min;
    Rig rig(book);
    rig.world.script("error_rate", error_at("canary", 1h + 50min));
    rig.world.script("error_rate", value_at("canary", 2h + 2min, 0.0001));
    CHECK(start_bounded(rig) == ExitCode::ok);
    CHECK_FALSE(rig.rec.has(EventType::breach));
    CHECK(hold_ms(rig.rec, 0) >= Duration(2h + 2min).count());
    CHECK(hold_ms(rig.rec, 0) <= Duration(2h + 2min + 30s).count());
  }
  SUBCASE("max_extend = 0 acts at the end of the hold") {
    book.stages[0].max_extend = 0ms;
    Rig rig(book);
    rig.world.script("error_rate", error_at("canary", 1h + 50min));
    CHECK(start_bounded(rig) == ExitCode::rolled_back);
    const auto breach = rig.rec.of(EventType::breach);
    REQUIRE(breach.size() == 1);
    const auto started = rig.rec.of(EventType::hold_started)[0].t_ms;
    CHECK(breach[0].t_ms - started == Duration(2h).count());
  }
  SUBCASE("on_breach = pause: exit 5 with the reason, weights kept") {
    book.stages[0].rules.on_breach = OnBreach::pause;
    book.stages[0].max_extend = 1min;
    Rig rig(book);
    rig.world.script("error_rate", error_at("canary", 1h + 50min));
    CHECK(start_bounded(rig) == ExitCode::paused);
    CHECK(rig.world.router().current() == rollout::Split{99, 1});
    CHECK(rig.position().outcome == rollout::events::FinishedOutcome::paused);
    const auto paused = rig.rec.of(EventType::paused);
    REQUIRE(!paused.empty());
    CHECK(paused.back().summary.find("not passing 1m after the hold ended") != std::string::npos);
  }
}

TEST_CASE("default max_extend is interval x the largest limit, plus the longest `for` window") {
  auto stage = reference_book().stages[0];  // 30s, failure 2, inconclusive 3, error 3
  CHECK(rollout::runbook::max_extend_of(stage) == Duration(90s));
  stage.rules.error_limit = 10;
  CHECK(rollout::runbook::max_extend_of(stage) == Duration(5min));
  stage.gates[0].sustain = 1h;
  CHECK(rollout::runbook::max_extend_of(stage) == Duration(1h + 5min));
  stage.max_extend = 7s;
  CHECK(rollout::runbook::max_extend_of(stage) == Duration(7s));

  // An inconclusive gate at the end (no data, limit 3): the default extension lets the
  // counter reach its limit, and the breach is the ordinary one.
  auto book = reference_book();
  Rig rig(book);
  rig.world.script("p99_latency", empty_at("canary", 2h - 30s));
  CHECK(start_bounded(rig) == ExitCode::rolled_back);
  const auto breach = rig.rec.of(EventType::breach);
  REQUIRE(breach.size() == 1);
  CHECK(to_json(breach[0])["counter"] == "inconclusive");
  const auto started = rig.rec.of(EventType::hold_started)[0].t_ms;
  CHECK(breach[0].t_ms - started == Duration(2h + 30s).count());
}

TEST_CASE("a notify runbook whose gate never passes again ends, with a bounded journal") {
  auto book = small_book();  // 2 min holds, 30s interval, 2 gates
  for (auto& s : book.stages) s.rules.on_breach = OnBreach::notify;
  Rig rig(book);
  rig.world.script("error_rate", value_at("canary", 10s, 0.5));
  CHECK(start_bounded(rig, {}, 1h) == ExitCode::ok);
  // Three stages of 2 minutes: at most hold / interval measurements of 2 gates each.
  CHECK(rig.rec.of(EventType::gate_measured).size() <= 3 * 4 * 2);
  CHECK(rig.rec.of(EventType::breach).size() == 3);  // one episode per stage
}

namespace {

// The canary's health URL never answers: each poll takes the whole timeout it was given.
// The others answer at once.
class HungProbe : public rollout::HealthProbe {
 public:
  explicit HungProbe(rollout::rehearsal::VirtualClock& clock) : clock_(clock) {}
  std::vector<rollout::ProbeResult> probe(const std::vector<std::string>& urls,
                                          const rollout::runbook::Health& spec) override {
    std::vector<rollout::ProbeResult> ok;
    for (const auto& u : urls) ok.push_back({u, true, 200, ""});
    if (spec.name != "canary") return ok;
    timeouts.push_back(spec.timeout);
    clock_.advance(spec.timeout);
    std::vector<rollout::ProbeResult> out;
    for (const auto& u : urls) out.push_back({u, false, 0, "timeout"});
    return out;
  }
  std::vector<Duration> timeouts;

 private:
  rollout::rehearsal::VirtualClock& clock_;
};

}  // namespace

TEST_CASE("a health step ends within its deadline, whatever its probe timeout") {
  auto book = reference_book();
  book.health["canary"].timeout = 30s;
  book.health["canary"].deadline = 2s;
  book.health["canary"].successes = 1;
  book.rollback.steps = {step(rollout::runbook::WeightStep{0})};
  Rig rig(book);
  HungProbe probe(rig.clock);
  rollout::engine::Ports ports{rig.clock,           rig.control, rig.world.router(),
                               rig.world.sources(), probe,       rig.world.process(),
                               rig.world.http(),    rig.store};
  rollout::engine::Engine e(rig.book, rig.expander, ports, {});
  e.subscribe(&rig.world);
  e.subscribe(&rig.rec);
  CHECK(e.start() == ExitCode::rolled_back);
  REQUIRE(!probe.timeouts.empty());
  for (const auto t : probe.timeouts) CHECK(t <= Duration(2s));
  bool seen = false;
  for (const auto& f : rig.rec.of(EventType::step_finished)) {
    if (to_json(f)["kind"] != "health") continue;
    seen = true;
    CHECK(to_json(f)["ok"] == false);
    CHECK(to_json(f)["duration_ms"].get<std::int64_t>() <= Duration(2s + 100ms).count());
  }
  CHECK(seen);
}

namespace {

// An HTTP endpoint that never answers: each request takes the whole timeout it was given.
class HungHttp : public rollout::HttpClient {
 public:
  explicit HungHttp(rollout::rehearsal::VirtualClock& clock) : clock_(clock) {}
  rollout::Result<rollout::HttpResponse> send(const rollout::HttpRequest& request) override {
    clock_.advance(request.timeout);
    return rollout::make_error("timeout after " + rollout::format_duration(request.timeout));
  }

 private:
  rollout::rehearsal::VirtualClock& clock_;
};

}  // namespace

TEST_CASE("an http rollback step and its retries stay within the step's budget") {
  auto book = small_book();
  rollout::runbook::HttpStep hook;
  hook.url = "http://127.0.0.1:9/hook";
  hook.timeout = 10s;
  hook.retries = 2;
  book.rollback.steps = {step(rollout::runbook::WeightStep{0}, 10s), step(hook, 5s)};
  Rig rig(book);
  rig.world.script("error_rate", value_at("canary", 1min, 0.5));
  HungHttp http(rig.clock);
  rollout::engine::Ports ports{
      rig.clock,           rig.control, rig.world.router(), rig.world.sources(), rig.world.health(),
      rig.world.process(), http,        rig.store};
  rollout::engine::Engine e(rig.book, rig.expander, ports, {});
  e.subscribe(&rig.world);
  e.subscribe(&rig.rec);
  CHECK(e.start() == ExitCode::rollback_failed);
  const auto steps = rig.rec.of(EventType::rollback_step);
  REQUIRE(steps.size() == 2);
  CHECK(to_json(steps[1])["ok"] == false);
  CHECK(to_json(steps[1])["duration_ms"].get<std::int64_t>() <= Duration(5s).count());
}
