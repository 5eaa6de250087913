// Tests for runbook/router_spec and the router kinds' files: each kind as read from a
// runbook, its description, plan line and request, and what a spec built in code lacks.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/template.hpp"
#include "helpers.hpp"
#include "runbook/bindings.hpp"
#include "runbook/router_spec.hpp"

using namespace rbtest;

namespace {
Expander ex() {
  return Expander({{"lb", "10.0.0.1"}}, no_env());
}
const std::string kHaproxy =
    "type = \"haproxy\"\nsockets = [\"unix:/tmp/haproxy.sock\"]\nbackend = \"app\"\nstable = "
    "[\"a\"]\ncanary = [\"b\"]";
}  // namespace

TEST_CASE("router kinds: read from [router], each with its type, timeout and own keys") {
  auto h = load(kBase);
  REQUIRE(h.ok());
  CHECK(std::string(type_name(h.runbook->router)) == "haproxy");
  CHECK(common(h.runbook->router).pos.line == 4);

  auto e = load(edit(kHaproxy,
                     "type = \"exec\"\ncommand = [\"./w.sh\", \"${weight.canary}\"]\n"
                     "timeout = \"2s\""));
  REQUIRE(e.ok());
  const auto* exec = std::get_if<ExecRouterSpec>(&e.runbook->router);
  REQUIRE(exec);
  CHECK(exec->command == std::vector<std::string>{"./w.sh", "${weight.canary}"});
  CHECK(exec->timeout == Duration(2000));
  CHECK(exec->pos.line == 4);  // common keys survive the choice of kind
}

TEST_CASE("router kinds: the shared checker's diagnostics, at FILE:LINE:COL") {
  auto l = load(edit(kHaproxy, "type = \"exec\"\ncommand = [\"x\"]\nbackend = \"app\""));
  auto* d = find(l, "does not apply");
  REQUIRE(d);
  CHECK(d->str() ==
        "rb.toml:7:1: error: 'backend' does not apply to router type \"exec\" (it takes "
        "command, type or timeout)");
  auto typo = load(edit(kHaproxy, "type = \"exec\"\ncomand = [\"x\"]"));
  auto* t = find(typo, "unknown key 'comand'");
  REQUIRE(t);
  CHECK(t->str().rfind("rb.toml:6:1: error: unknown key 'comand' in [router] (did you mean "
                       "'command'?)",
                       0) == 0);
  CHECK(find(typo, "[router] type = \"exec\" needs 'command'"));
}

TEST_CASE("router kinds: a spec built in code says what it lacks") {
  CHECK(incomplete(RouterSpec{ExecRouterSpec{}}) == "[router] exec needs a command");
  CHECK(incomplete(RouterSpec{HttpRouterSpec{}}) == "[router] http needs a url");
  HaproxyRouterSpec h;
  CHECK(incomplete(RouterSpec{h}) == "[router] haproxy needs at least one socket");
  h.sockets = {"unix:/s"};
  CHECK(incomplete(RouterSpec{h}) == "[router] haproxy needs a backend");
  h.backend = "app";
  CHECK(incomplete(RouterSpec{h}) == "[router] haproxy needs stable and canary servers");
  h.canary = {"b"};
  CHECK_FALSE(incomplete(RouterSpec{h}));
}

TEST_CASE("router kinds: one description, one plan line and one request each") {
  HaproxyRouterSpec h;
  h.sockets = {"tcp:${vars.lb}:9999", "unix:/s"};
  h.backend = "app";
  h.stable = {"a", "b"};
  h.canary = {"c"};
  const RouterSpec haproxy = h;
  CHECK(describe(haproxy) == "haproxy backend app on 2 sockets (2 stable, 1 canary server)");
  CHECK(plan_line(haproxy, ex()) ==
        "haproxy backend app on tcp:10.0.0.1:9999, unix:/s; stable a, b; canary c");
  CHECK(plan_call(haproxy, ex()).empty());  // fixed commands: nothing to show per step
  CHECK(plan_json(haproxy, ex())["sockets"][0] == "tcp:10.0.0.1:9999");

  HttpRouterSpec w;
  w.url = "http://${vars.lb}/w";
  w.body = "${weight.stable}/${weight.canary}";
  const RouterSpec http = w;
  CHECK(describe(http) == "http router POST http://${vars.lb}/w");
  CHECK(plan_line(http, ex()) ==
        "http POST http://10.0.0.1/w with body ${weight.stable}/${weight.canary}");
  CHECK(plan_call(http, runbook::bind_split(ex(), 90, 10)) == "POST http://10.0.0.1/w 90/10");

  const RouterSpec exec = ExecRouterSpec{{}, {"./set weights.sh", "${weight.canary}"}};
  CHECK(describe(exec) == "exec router ./set weights.sh");
  CHECK(plan_line(exec, ex()) == "exec './set weights.sh' '${weight.canary}'");
  CHECK(plan_call(exec, runbook::bind_split(ex(), 95, 5)) == "'./set weights.sh' 5");
  CHECK(plan_json(exec, ex())["type"] == "exec");
}
