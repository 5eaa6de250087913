// Tests for lib/providers/curl_http_client.cpp, curl_transfer.cpp and health_probe.cpp
// against loopback servers: answers, errors, timeouts, refused ports, no proxies.
#include <doctest/doctest.h>

#include <cstdlib>

#include "core/redact.hpp"
#include "providers/curl_http_client.hpp"
#include "providers/health_probe.hpp"
#include "providers/process.hpp"
#include "support/background.hpp"
#include "support/loopback_http.hpp"

using namespace rollout;
using namespace rollout::providers;
using namespace std::chrono_literals;
using testsupport::HttpReply;
using testsupport::HttpRequestSeen;
using testsupport::LoopbackHttpServer;

TEST_CASE("http client: request sent as built, any status is a response") {
  LoopbackHttpServer server([](const HttpRequestSeen& r) {
    if (r.target == "/fail") return testsupport::reply(500, "boom");
    if (r.target == "/moved") {
      auto moved = testsupport::reply(302, "", "text/plain");
      moved.headers["Location"] = "/elsewhere";
      return moved;
    }
    return testsupport::reply(200, "got " + r.method + " " + r.body);
  });
  CurlHttpClient http;
  HttpRequest req;
  req.method = "PUT";
  req.url = server.url() + "/api/traffic-weights";
  req.headers = {{"Authorization", "Bearer t0ken"}, {"Content-Type", "application/json"}};
  req.body = R"({"stable":90,"canary":10})";
  auto r = http.send(req);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == R"(got PUT {"stable":90,"canary":10})");
  const auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].target == "/api/traffic-weights");
  CHECK(seen[0].headers.at("authorization") == "Bearer t0ken");

  req.method = "GET";
  req.body.clear();
  req.url = server.url() + "/fail";
  auto fail = http.send(req);
  REQUIRE(fail.ok());
  CHECK(fail->status == 500);
  CHECK(fail->body == "boom");

  // Redirects are not followed: the caller sees the 302.
  req.url = server.url() + "/moved";
  auto moved = http.send(req);
  REQUIRE(moved.ok());
  CHECK(moved->status == 302);
  CHECK(server.requests().size() == 3);
}

TEST_CASE("http client: refused, timeout, and other schemes are errors") {
  CurlHttpClient http;
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(testsupport::free_port()) + "/";
  auto refused = http.send(req);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message == "connection refused");

  LoopbackHttpServer silent([](const HttpRequestSeen&) { return testsupport::hang(); });
  req.url = silent.url() + "/slow";
  req.timeout = 300ms;
  auto slow = http.send(req);
  REQUIRE_FALSE(slow.ok());
  CHECK(slow.error().message == "timeout after 300ms");

  req.url = "file:///etc/passwd";
  CHECK_FALSE(http.send(req).ok());
}

TEST_CASE("http client: proxies in the environment are ignored") {
  LoopbackHttpServer server(
      [](const HttpRequestSeen&) { return testsupport::reply(200, "direct"); });
  const std::string dead_proxy = "http://127.0.0.1:" + std::to_string(testsupport::free_port());
  ::setenv("http_proxy", dead_proxy.c_str(), 1);
  ::setenv("HTTP_PROXY", dead_proxy.c_str(), 1);
  ::setenv("ALL_PROXY", dead_proxy.c_str(), 1);
  CurlHttpClient http;
  HttpRequest req;
  req.url = server.url() + "/";
  auto r = http.send(req);
  ::unsetenv("http_proxy");
  ::unsetenv("HTTP_PROXY");
  ::unsetenv("ALL_PROXY");
  REQUIRE(r.ok());
  CHECK(r->body == "direct");
}

TEST_CASE("health probe: one round, every url judged with a reason") {
  LoopbackHttpServer healthy(
      [](const HttpRequestSeen&) { return testsupport::reply(200, R"({"status":"ok"})"); });
  LoopbackHttpServer sick(
      [](const HttpRequestSeen&) { return testsupport::reply(503, "overloaded"); });
  LoopbackHttpServer silent([](const HttpRequestSeen&) { return testsupport::hang(); });
  const std::string refused =
      "http://127.0.0.1:" + std::to_string(testsupport::free_port()) + "/health";

  runbook::Health spec;
  spec.timeout = 500ms;
  spec.expect_status = 200;
  CurlHealthProbe probe;
  const std::vector<std::string> urls = {healthy.url() + "/health", sick.url() + "/health",
                                         silent.url() + "/health", refused};
  auto results = probe.probe(urls, spec);
  REQUIRE(results.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) CHECK(results[i].url == urls[i]);
  CHECK(results[0].ok);
  CHECK(results[0].status == 200);
  CHECK_FALSE(results[1].ok);
  CHECK(results[1].status == 503);
  CHECK(results[1].detail.find("status 503 (expected 200)") != std::string::npos);
  CHECK_FALSE(results[2].ok);
  CHECK(results[2].status == 0);
  CHECK(results[2].detail == "timeout after 500ms");
  CHECK_FALSE(results[3].ok);
  CHECK(results[3].detail == "connection refused");

  // Polled concurrently: the healthy server answered while the silent one was hanging.
  CHECK(silent.requests().size() == 1);

  // A body substring is checked too; a second round works on the same probe.
  spec.expect_body = "\"status\":\"ready\"";
  auto body = probe.probe({healthy.url() + "/health"}, spec);
  REQUIRE(body.size() == 1);
  CHECK_FALSE(body[0].ok);
  CHECK(body[0].detail.find("body does not contain") != std::string::npos);
  spec.expect_body = "\"status\":\"ok\"";
  CHECK(probe.probe({healthy.url() + "/health"}, spec)[0].ok);

  // Expecting another status.
  spec.expect_body.clear();
  spec.expect_status = 503;
  CHECK(probe.probe({sick.url() + "/health"}, spec)[0].ok);
}

TEST_CASE("http client: TLS is verified unless insecure" *
          doctest::skip(testsupport::missing_program("/usr/bin/openssl", "openssl"))) {
  testsupport::TempDir dir;
  RealProcessControl pc;
  runbook::RunStep keygen;
  keygen.argv = {"openssl",
                 "req",
                 "-x509",
                 "-newkey",
                 "ec",
                 "-pkeyopt",
                 "ec_paramgen_curve:prime256v1",
                 "-nodes",
                 "-keyout",
                 dir / "key.pem",
                 "-out",
                 dir / "cert.pem",
                 "-days",
                 "1",
                 "-subj",
                 "/CN=127.0.0.1",
                 "-addext",
                 "subjectAltName=IP:127.0.0.1"};
  keygen.timeout = 30s;
  auto made = pc.run(keygen);
  REQUIRE(made.ok());
  INFO(made->output);
  REQUIRE(made->exit_code == 0);
  const int port = testsupport::free_port();
  testsupport::Background server(
      {"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
       dir / "cert.pem", "-key", dir / "key.pem", "-www", "-quiet"},
      dir / "s_server.log");
  CurlHttpClient http;
  HttpRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(port) + "/";
  req.timeout = 2s;
  req.insecure = true;
  REQUIRE(testsupport::wait_until([&] { return http.send(req).ok(); }, 10s));
  auto insecure = http.send(req);
  REQUIRE(insecure.ok());
  CHECK(insecure->status == 200);

  req.insecure = false;
  auto verified = http.send(req);
  REQUIRE_FALSE(verified.ok());
  CHECK(verified.error().message.find("certificate") != std::string::npos);
}

TEST_CASE("body_start: a secret is redacted before the body is cut") {
  const std::string secret = "Kp4Lm8Nr2Ts6";
  secrets().add(secret);
  const std::string body = std::string(195, 'x') + secret + " tail";
  const std::string shown = body_start(body);
  CHECK(shown.find("Kp4") == std::string::npos);
  CHECK(shown.rfind(std::string(195, 'x') + "***", 0) == 0);
}
