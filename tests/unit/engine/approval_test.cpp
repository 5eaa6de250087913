// approve_url on the virtual clock: a manual stage asks its URL every interval while it
// waits; a 200 approves, other statuses and errors keep it waiting (an error warned once per
// run), approval_timeout still bounds the wait, `rollout advance` still works, gates are
// still measured, and a dry run never calls the URL.
#include <doctest/doctest.h>

#include "fakes/scripted_http.hpp"
#include "harness.hpp"

using namespace test;
using rollout::EventType;
using rollout::ExitCode;

namespace {

runbook::Runbook approval_book() {
  auto book = reference_book();
  book.stages[0].advance = runbook::AdvanceMode::manual;
  book.stages[0].approve_url = "https://ci.example/approve/${stage.name}";
  book.stages[0].approve_headers = {{"Authorization", "Bearer t0ken-for-tests"}};
  return book;
}

ExitCode start_with(Rig& rig, HttpClient& http, engine::Options opts = {}) {
  engine::Ports p{
      rig.clock,           rig.control, rig.world.router(), rig.world.sources(), rig.world.health(),
      rig.world.process(), http,        rig.store};
  engine::Engine e(rig.book, rig.expander, p, opts);
  e.subscribe(&rig.world);
  e.subscribe(&rig.rec);
  return e.start();
}

// 503 until `from` on the clock, then 200.
fakes::ScriptedHttp::Answer ok_from(Duration from) {
  return [from](const HttpRequest&, Duration now) -> Result<HttpResponse> {
    return HttpResponse{now >= from ? 200L : 503L, ""};
  };
}

std::size_t index_of(const std::vector<Event>& events, EventType t) {
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i].type == t) return i;
  return events.size();
}

}  // namespace

TEST_CASE("approve_url: a non-interactive run waits for a 200 instead of exiting 5") {
  Rig rig(approval_book());
  fakes::ScriptedHttp http(rig.clock, ok_from(3h));
  CHECK(start_with(rig, http) == ExitCode::ok);
  CHECK(rig.world.router().current() == Split{0, 100});
  const auto adv = rig.rec.of(EventType::advanced);
  REQUIRE(adv.size() == 1);
  CHECK(adv[0].stage == "canary");
  CHECK(to_json(adv[0])["by"] == "approve_url");
  const auto sent = http.sent();
  REQUIRE(!sent.empty());
  CHECK(sent[0].method == "GET");
  CHECK(sent[0].url == "https://ci.example/approve/canary");  // templated
  CHECK(sent[0].headers.at("Authorization") == "Bearer t0ken-for-tests");
  CHECK(sent[0].timeout <= Duration(10s));
  // Asked every 30s (the stage interval) from the end of the 2h hold until 3h: about 120.
  CHECK(sent.size() >= 115);
  CHECK(sent.size() <= 125);
  CHECK_FALSE(rig.rec.has(EventType::warning));
  // The gates are still measured while the stage waits for approval.
  const auto& ev = rig.rec.events;
  const auto asked = index_of(ev, EventType::awaiting_approval);
  const auto approved = index_of(ev, EventType::advanced);
  int measured = 0;
  for (std::size_t i = asked; i < approved; ++i) measured += ev[i].type == EventType::gate_measured;
  CHECK(measured >= 2 * 110);
}

TEST_CASE("approve_url: transport errors warn once per run of errors and keep waiting") {
  Rig rig(approval_book());
  // Refused from 2h to 2h20m, 503 until 2h30m, refused again until 2h40m, then 200.
  fakes::ScriptedHttp http(rig.clock, [](const HttpRequest&, Duration now) -> Result<HttpResponse> {
    if (now < 2h + 20min) return make_error("connection refused", ErrorKind::io);
    if (now < 2h + 30min) return HttpResponse{503, ""};
    if (now < 2h + 40min) return make_error("connection refused", ErrorKind::io);
    return HttpResponse{200, ""};
  });
  CHECK(start_with(rig, http) == ExitCode::ok);
  const auto warnings = rig.rec.of(EventType::warning);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].summary.find("approve_url: connection refused") != std::string::npos);
  CHECK(to_json(rig.rec.of(EventType::advanced)[0])["by"] == "approve_url");
}

TEST_CASE("approve_url: approval_timeout still bounds the wait") {
  auto book = approval_book();
  book.stages[0].approval_timeout = 30min;
  book.stages[0].on_timeout = runbook::OnTimeout::rollback;
  Rig rig(book);
  fakes::ScriptedHttp http(rig.clock, ok_from(100h));  // never in time
  CHECK(start_with(rig, http) == ExitCode::rolled_back);
  CHECK(to_json(rig.rec.of(EventType::rollback_started)[0])["trigger"] == "timeout");
  CHECK(rig.world.router().current() == Split{100, 0});
  CHECK_FALSE(rig.rec.has(EventType::advanced));
  // No request outlives the deadline.
  for (const auto& r : http.sent()) CHECK(r.timeout <= Duration(10s));
}

TEST_CASE("approve_url: `rollout advance` still approves beside it") {
  Rig rig(approval_book());
  fakes::ScriptedHttp http(rig.clock, ok_from(100h));
  rig.control.at(2h + 10min, fakes::MemoryControl::advance("ops@desk"));
  CHECK(start_with(rig, http) == ExitCode::ok);
  const auto adv = rig.rec.of(EventType::advanced);
  REQUIRE(adv.size() == 1);
  CHECK(to_json(adv[0])["by"] == "ops@desk");
}

TEST_CASE("approve_url: a dry run rehearses the approval without calling the URL") {
  Rig rig(approval_book());
  fakes::ScriptedHttp http(rig.clock, ok_from(100h));
  engine::Options o;
  o.dry_run = true;
  o.auto_approve = true;
  CHECK(start_with(rig, http, o) == ExitCode::ok);
  CHECK(http.sent().empty());
  CHECK(to_json(rig.rec.of(EventType::advanced)[0])["by"] == "dry-run");
}
