// Tests for runbook/plan and runbook/describe: the plan of the reference runbook, timings,
// resolved templates and redaction.
#include <doctest/doctest.h>

#include "core/redact.hpp"
#include "helpers.hpp"
#include "runbook/describe.hpp"
#include "runbook/plan.hpp"

using namespace rbtest;

namespace {
Runbook reference() {
  LoadOptions o;
  o.env = no_env();
  auto l = load_runbook(source_root() + "/runbooks/analyzer.toml", o);
  REQUIRE(l.ok());
  return *l.runbook;
}
}  // namespace

TEST_CASE("the reference runbook plans 54h of holds in three stages") {
  const Runbook book = reference();
  const auto j = plan_json(book, make_expander(book, no_env()));
  CHECK(j["name"] == "ultra-fast-analyzer");
  CHECK(j["total_hold_ms"] == 54LL * 3600 * 1000);
  CHECK(j["total_hold"] == "54h");
  REQUIRE(j["stages"].size() == 3);
  CHECK(j["stages"][0]["weight"] == 1);
  CHECK(j["stages"][0]["hold"] == "2h");
  CHECK(j["stages"][1]["weight"] == 10);
  CHECK(j["stages"][1]["hold"] == "4h");
  CHECK(j["stages"][2]["weight"] == 100);
  CHECK(j["stages"][2]["hold"] == "48h");
  const auto& g0 = j["stages"][0]["gates"][0];
  CHECK(g0["check"] == "error_rate");
  CHECK(g0["threshold"].get<double>() == doctest::Approx(0.01));
  CHECK(g0["threshold_text"] == "1%");
  CHECK(j["stages"][1]["gates"][0]["threshold_text"] == "0.5%");
  CHECK(j["stages"][2]["gates"][0]["sustain_ms"] == 3600 * 1000);
  CHECK(j["stages"][2]["on_breach"] == "pause");
  CHECK(j["stages"][0]["gates"][1]["threshold_text"] == "200ms");
  // The order start runs a stage in: before steps, the weight, the hold.
  const auto& steps = j["stages"][0]["steps"];
  CHECK(steps[0]["kind"] == "health");
  CHECK(steps[1]["kind"] == "weight");
  CHECK(steps[1]["description"] == "set traffic 99/1 (stable/canary)");
  CHECK(steps[2]["kind"] == "hold");
  // Rollback: weight 0 first, then kill, restart, health; with budgets.
  const auto& rb = j["rollback"];
  CHECK(rb["budget_ms"] == 300000);
  REQUIRE(rb["steps"].size() == 4);
  CHECK(rb["steps"][0]["kind"] == "weight");
  CHECK(rb["steps"][0]["budget_ms"] == 30000);
  CHECK(rb["steps"][1]["kind"] == "kill");
  CHECK(rb["steps"][2]["kind"] == "run");
  CHECK(rb["steps"][3]["kind"] == "health");
}

TEST_CASE("the text plan says the same") {
  const Runbook book = reference();
  const std::string t = plan_text(book, make_expander(book, no_env()));
  CHECK(t.find("Stage 1/3 'canary': 1% to the new version, hold 2h") != std::string::npos);
  CHECK(t.find("Stage 3/3 'full': 100% to the new version, hold 48h") != std::string::npos);
  CHECK(t.find("error_rate < 0.1% for 1h") != std::string::npos);
  CHECK(t.find("set traffic 100/0 (stable/canary) [budget 30s]") != std::string::npos);
  CHECK(t.find("run npm run start:analyzer:original") != std::string::npos);
  CHECK(t.find("Expected duration: 54h of holds") != std::string::npos);
  CHECK(t.find("http://127.0.0.1:9090") != std::string::npos);  // ${vars.prom} resolved
}

TEST_CASE("templates resolve per stage; secrets are redacted; unknown values stay raw") {
  std::string s = edit(
      "type = \"haproxy\"\nsockets = [\"unix:/tmp/haproxy.sock\"]\nbackend = \"app\"\nstable = "
      "[\"a\"]\ncanary = [\"b\"]",
      "type = \"exec\"\ncommand = [\"set\", \"${weight.stable}\", \"${weight.canary}\", "
      "\"${env.PLAN_TEST_TOKEN}\"]");
  s += "after = [ { http = { url = \"http://127.0.0.1:1/${stage.name}\", body = \"${vars.x}\" } } "
       "]\n";
  s += "\n[vars]\nx = \"k=${env.PLAN_TEST_TOKEN}\"\n";
  s += "\n[[notify]]\nurl = \"http://127.0.0.1:1/\"\nbody = \"${event.summary}\"\n";
  auto env = [](const std::string& k) -> std::optional<std::string> {
    if (k == "PLAN_TEST_TOKEN") return std::string("tok-123456789");
    return std::nullopt;
  };
  auto l = load(s, env, true);
  INFO(dump(l));
  REQUIRE(l.ok());
  const auto ex = make_expander(*l.runbook, env);
  const std::string t = plan_text(*l.runbook, ex);
  CHECK(t.find("tok-123456789") == std::string::npos);
  CHECK(t.find("set 95 5 ***") != std::string::npos);   // stage canary, weight 5
  CHECK(t.find("set 0 100 ***") != std::string::npos);  // stage full
  CHECK(t.find("set 100 0 ***") != std::string::npos);  // rollback
  CHECK(t.find("http://127.0.0.1:1/full") != std::string::npos);
  const auto j = plan_json(*l.runbook, ex);
  CHECK(j.dump().find("tok-123456789") == std::string::npos);
  // ${event.summary} has no value before the event: shown as written.
  HttpStep h;
  h.url = "http://h/${event.summary}";
  const Step notify_like{h, {}, {}};
  CHECK(describe(notify_like, *l.runbook, ex).find("${event.summary}") != std::string::npos);
}

TEST_CASE("totals count holds, step limits and manual waits") {
  auto l = load(kBase +
                "advance = \"manual\"\nbefore = [ { run = [\"x\"], timeout = \"1m\" }, { pause = "
                "\"manual\" } ]\n");
  INFO(dump(l));
  REQUIRE(l.ok());
  const PlanTotals t = plan_totals(*l.runbook);
  CHECK(t.holds == std::chrono::hours(3));
  CHECK(t.manual_waits == 2);
  // 1m run + two weight changes (router timeout 5s each).
  CHECK(t.steps_max == std::chrono::seconds(70));
}

TEST_CASE("step descriptions") {
  Runbook book;
  Expander ex({}, no_env());
  CHECK(describe(Step{WeightStep{10}, {}, {}}, book, ex) == "set traffic 90/10 (stable/canary)");
  RunStep r;
  r.argv = {"echo", "a b", "it's"};
  CHECK(describe(Step{r, {}, {}}, book, ex) == "run echo 'a b' 'it'\\''s' (timeout 5m)");
  KillStep k;
  k.name = "srv";
  CHECK(describe(Step{k, {}, {}}, book, ex) ==
        "kill processes named srv (SIGTERM, SIGKILL after 10s)");
  PauseStep p;
  p.approval_timeout = std::chrono::minutes(30);
  CHECK(describe(Step{p, {}, {}}, book, ex) ==
        "pause until `rollout advance` (at most 30m, then rollback)");
}

TEST_CASE("plan shows each stage's max_extend, its default, and that notify never extends") {
  auto l = load(edit("hold = \"1h\"", "hold = \"1h\"\nmax_extend = \"2m\"\nfailure_limit = 2"));
  REQUIRE(l.ok());
  auto& b = *l.runbook;
  b.stages[1].gates = b.stages[0].gates;
  const Expander ex = make_expander(b, no_env());
  auto j = plan_json(b, ex);
  CHECK(j["stages"][0]["max_extend"] == "2m");
  CHECK(j["stages"][0]["max_extend_ms"] == 120000);
  CHECK(j["stages"][0]["max_extend_default"] == false);
  // Default: interval 30s x the largest limit (inconclusive_limit 3).
  CHECK(j["stages"][1]["max_extend"] == "1m30s");
  CHECK(j["stages"][1]["max_extend_default"] == true);
  const std::string t = plan_text(b, ex);
  CHECK(t.find("not all passing at the end of the hold: wait up to 2m (max_extend), then "
               "rollback") != std::string::npos);
  CHECK(t.find("wait up to 1m30s (max_extend, default), then rollback") != std::string::npos);
  b.stages[0].rules.on_breach = OnBreach::notify;
  CHECK(plan_json(b, ex)["stages"][0]["max_extend"].is_null());
  CHECK(plan_text(b, ex).find("gates never extend a hold") != std::string::npos);
}
