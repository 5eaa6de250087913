// Tests for the exec and http routers (router_command.cpp), the weight mapping
// (haproxy_weights.cpp) and socket addresses/timeouts (haproxy_socket.cpp).
#include <doctest/doctest.h>

#include "core/template.hpp"
#include "providers/curl_http_client.hpp"
#include "providers/routers.hpp"
#include "support/background.hpp"
#include "support/loopback_http.hpp"

using namespace rollout;
using namespace rollout::providers;
using namespace std::chrono_literals;
using testsupport::HttpRequestSeen;
using testsupport::LoopbackHttpServer;
using testsupport::TempDir;

namespace {
Expander expander(std::map<std::string, std::string> vars = {}) {
  return Expander(std::move(vars), [](const std::string&) { return std::optional<std::string>(); });
}
}  // namespace

TEST_CASE("exec router: weights as arguments and environment; read() knows only what it set") {
  TempDir dir;
  runbook::ExecRouterSpec spec;
  spec.command = {"/bin/sh",
                  "-c",
                  "echo \"$1 $2 $ROLLOUT_WEIGHT_STABLE $ROLLOUT_WEIGHT_CANARY\" > \"$3\"",
                  "sh",
                  "${weight.stable}",
                  "${weight.canary}",
                  "${vars.out}"};
  ExecRouter router(spec, expander({{"out", dir / "weights"}}));
  CHECK_FALSE(router.can_read());  // the preflight takes the failed read as nothing to compare
  auto before = router.read();
  REQUIRE_FALSE(before.ok());
  CHECK(before.error().message.rfind(kCannotRead, 0) == 0);

  REQUIRE(router.set(Split{90, 10}).ok());
  CHECK(testsupport::read_text(dir / "weights") == "90 10 90 10\n");
  auto after = router.read();
  REQUIRE(after.ok());
  CHECK(*after == Split{90, 10});

  spec.command = {"/bin/sh", "-c", "echo 'lb api said no' >&2; exit 2"};
  ExecRouter failing(spec, expander());
  auto r = failing.set(Split{99, 1});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("exit 2") != std::string::npos);
  CHECK(r.error().message.find("lb api said no") != std::string::npos);
  CHECK_FALSE(failing.read().ok());  // a failed set is not a known split
}

TEST_CASE("a router describes itself as plan shows it: ${vars.*} resolved, weights left") {
  runbook::ExecRouterSpec exec;
  exec.command = {"${vars.scripts}/set-weights.sh", "${weight.canary}"};
  ExecRouter e(exec, expander({{"scripts", "/opt/lb"}}));
  CHECK(e.describe() == "exec router /opt/lb/set-weights.sh");
  runbook::HttpRouterSpec http;
  http.method = "PUT";
  http.url = "${vars.lb}/weights?canary=${weight.canary}";
  CurlHttpClient client;  // not called: describe() sends nothing
  HttpRouter h(http, expander({{"lb", "https://lb.internal"}}), client);
  CHECK(h.describe() == "http router PUT https://lb.internal/weights?canary=${weight.canary}");
}

TEST_CASE("http router: templated request; non-2xx is an error with status and body") {
  LoopbackHttpServer server([](const HttpRequestSeen& r) {
    if (r.body.find("\"canary\":50") != std::string::npos)
      return testsupport::reply(422, "canary above limit");
    return testsupport::reply(204, "");
  });
  CurlHttpClient http;
  runbook::HttpRouterSpec spec;
  spec.url = "${vars.api}/api/traffic-weights";
  spec.method = "POST";
  spec.headers = {{"Content-Type", "application/json"},
                  {"X-Split", "${weight.stable}-${weight.canary}"}};
  spec.body = R"({"stable":${weight.stable},"canary":${weight.canary}})";
  HttpRouter router(spec, expander({{"api", server.url()}}), http);
  CHECK_FALSE(router.can_read());
  CHECK_FALSE(router.read().ok());
  REQUIRE(router.set(Split{99, 1}).ok());
  const auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/api/traffic-weights");
  CHECK(seen[0].body == R"({"stable":99,"canary":1})");
  CHECK(seen[0].headers.at("x-split") == "99-1");
  CHECK(*router.read() == Split{99, 1});

  auto r = router.set(Split{50, 50});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("HTTP 422") != std::string::npos);
  CHECK(r.error().message.find("canary above limit") != std::string::npos);
  CHECK(*router.read() == Split{99, 1});
}

TEST_CASE("haproxy weights: every percent survives the round trip, several servers a side") {
  for (std::size_t ns = 1; ns <= 5; ++ns) {
    for (std::size_t nc = 1; nc <= 5; ++nc) {
      for (int c = 0; c <= 100; ++c) {
        const Split split{100 - c, c};
        const auto plan = plan_weights(split, ns, nc);
        CAPTURE(ns);
        CAPTURE(nc);
        CAPTURE(c);
        REQUIRE(plan.stable.size() == ns);
        REQUIRE(plan.canary.size() == nc);
        for (int w : plan.stable) REQUIRE((w >= 0 && w <= 256));
        for (int w : plan.canary) REQUIRE((w >= 0 && w <= 256));
        REQUIRE(split_from_weights(plan.stable, plan.canary) == split);
        if (c == 0) CHECK(plan.canary == std::vector<int>(nc, 0));
        if (c == 100) CHECK(plan.stable == std::vector<int>(ns, 0));
      }
    }
  }
  // Evenly spread: weights on one side differ by at most one.
  const auto plan = plan_weights(Split{90, 10}, 3, 2);
  CHECK(plan.stable == std::vector<int>{256, 256, 256});
  CHECK(plan.canary == std::vector<int>{43, 42});
  CHECK_FALSE(split_from_weights({0, 0}, {0}).has_value());
}

TEST_CASE("haproxy socket addresses") {
  auto u = parse_socket_address("unix:/run/haproxy/admin.sock");
  REQUIRE(u.ok());
  CHECK(u->unix_socket);
  CHECK(u->path == "/run/haproxy/admin.sock");
  auto t = parse_socket_address("tcp:127.0.0.1:9999");
  REQUIRE(t.ok());
  CHECK_FALSE(t->unix_socket);
  CHECK(t->host == "127.0.0.1");
  CHECK(t->port == 9999);
  auto v6 = parse_socket_address("tcp:[::1]:9999");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  for (const char* bad :
       {"/run/haproxy.sock", "unix:", "tcp:127.0.0.1", "tcp:127.0.0.1:http", "tcp:1.2.3.4:70000"})
    CHECK_FALSE(parse_socket_address(bad).ok());
}

TEST_CASE("haproxy socket: a stats socket that never answers times out") {
  LoopbackHttpServer silent([](const HttpRequestSeen&) { return testsupport::hang(); });
  auto address = parse_socket_address("tcp:127.0.0.1:" + std::to_string(silent.port()));
  REQUIRE(address.ok());
  auto r = haproxy_command(*address, "get weight b/s", 300ms);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "tcp:127.0.0.1:" + std::to_string(silent.port()) + ": timeout after 300ms");
  auto refused = haproxy_command(
      *parse_socket_address("tcp:127.0.0.1:" + std::to_string(testsupport::free_port())),
      "get weight b/s", 1s);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("Connection refused") != std::string::npos);
}
