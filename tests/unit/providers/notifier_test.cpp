// Tests for lib/providers/notifier.cpp (webhooks on events) and factory.cpp (make_world).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/redact.hpp"
#include "providers/curl_http_client.hpp"
#include "providers/factory.hpp"
#include "support/background.hpp"
#include "support/loopback_http.hpp"

using namespace rollout;
using namespace std::chrono_literals;
using rollout::providers::CurlHttpClient;
using testsupport::HttpRequestSeen;
using testsupport::LoopbackHttpServer;
using testsupport::TempDir;

namespace {

Expander expander(std::map<std::string, std::string> vars,
                  std::map<std::string, std::string> env = {}) {
  return Expander(std::move(vars), [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

Event event(EventType type, std::string summary) {
  Event e;
  e.type = type;
  e.summary = std::move(summary);
  e.stage = "canary";
  return e;
}

// Captures what is written to stderr (fd 2) while it lives.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    saved_ = ::dup(2);
    const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~StderrCapture() { restore(); }
  std::string text() {
    restore();
    return testsupport::read_text(file_);
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  TempDir dir_;
  std::string file_ = dir_ / "stderr";
  int saved_ = -1;
};

}  // namespace

TEST_CASE("notifier: hooks fire on the events they name, with an escaped JSON body") {
  LoopbackHttpServer chat([](const HttpRequestSeen&) { return testsupport::reply(200, "ok"); });
  runbook::Runbook book;
  book.rollout.name = "analyzer";
  runbook::Notify hook;
  hook.url = "${vars.chat}/hooks/1";
  hook.events = {"breach", "completed"};
  hook.body = R"({"text": "${rollout.name}: ${event.summary}", "type": "${event.type}"})";
  book.notify.push_back(hook);
  CurlHttpClient http;
  {
    auto notifier = make_notifier(book, expander({{"chat", chat.url()}}), http);
    notifier->on_event(event(EventType::stage_started, "stage canary started"));
    notifier->on_event(event(EventType::breach, R"(gate "error_rate < 1%" breached: 0.05)"));
    notifier->on_event(event(EventType::gate_measured, "error_rate 0.05"));
    notifier->on_event(event(EventType::completed, "done"));
  }  // the destructor drains the queue
  const auto seen = chat.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/hooks/1");
  CHECK(seen[0].headers.at("content-type") == "application/json");
  const auto body = nlohmann::json::parse(seen[0].body);
  CHECK(body["text"] == R"(analyzer: gate "error_rate < 1%" breached: 0.05)");
  CHECK(body["type"] == "breach");
  CHECK(nlohmann::json::parse(seen[1].body)["type"] == "completed");
}

TEST_CASE("notifier: a failing webhook is a warning with the URL redacted; exit is bounded") {
  LoopbackHttpServer broken(
      [](const HttpRequestSeen&) { return testsupport::reply(500, "internal"); });
  LoopbackHttpServer silent([](const HttpRequestSeen&) { return testsupport::hang(); });
  runbook::Runbook book;
  book.rollout.name = "analyzer";
  runbook::Notify failing;
  failing.url = "${vars.broken}/hook?token=${env.HOOK_TOKEN}";
  failing.events = {"paused"};
  failing.body = "paused: ${event.summary}";
  failing.timeout = 2s;
  runbook::Notify hanging;
  hanging.url = silent.url() + "/hook";
  hanging.events = {"rollback_finished"};
  hanging.timeout = 300ms;
  book.notify = {failing, hanging};
  CurlHttpClient http;
  StderrCapture err;
  {
    auto notifier = make_notifier(
        book, expander({{"broken", broken.url()}}, {{"HOOK_TOKEN", "s3cr3t-token"}}), http);
    notifier->on_event(event(EventType::paused, "waiting for approval"));
    REQUIRE(broken.wait_for_requests(1));
    for (int i = 0; i < 3; ++i)
      notifier->on_event(event(EventType::rollback_finished, "rolled back"));
  }
  const std::string text = err.text();
  CHECK(broken.requests().at(0).body == "paused: waiting for approval");
  CHECK(text.find("rollout: warning: notify " + broken.url() +
                  "/hook?token=***: HTTP 500: internal") != std::string::npos);
  CHECK(text.find("s3cr3t-token") == std::string::npos);
  CHECK(text.find("timeout after 300ms") != std::string::npos);
}

TEST_CASE("make_world: builds the runbook's providers, or says what is wrong") {
  LoopbackHttpServer prom([](const HttpRequestSeen&) {
    return testsupport::reply(
        200, R"({"status":"success","data":{"resultType":"scalar","result":[1,"0.5"]}})");
  });
  runbook::Runbook book;
  runbook::HaproxyRouterSpec haproxy;
  haproxy.sockets = {"unix:/run/haproxy/admin.sock", "tcp:127.0.0.1:9999"};
  haproxy.backend = "analyzer";
  haproxy.stable = {"a"};
  haproxy.canary = {"b"};
  book.router = haproxy;
  runbook::PrometheusSourceSpec src;
  src.url = "${vars.prom}";
  book.metrics["prom"] = src;
  const auto e = expander({{"prom", prom.url()}});

  auto world = make_world(book, e);
  REQUIRE(world.ok());
  CHECK(world->router->describe() ==
        "haproxy backend analyzer on 2 sockets (1 stable, 1 canary server)");
  REQUIRE(world->sources.contains("prom"));
  auto reading = world->sources["prom"]->query("scalar(x)");
  CHECK(reading.kind == Reading::Kind::value);
  CHECK(reading.value == 0.5);
  CHECK(world->http);
  CHECK(world->process);
  CHECK(world->health);

  haproxy.sockets = {"/run/haproxy/admin.sock"};
  book.router = haproxy;
  auto bad_socket = make_world(book, e);
  REQUIRE_FALSE(bad_socket.ok());
  CHECK(bad_socket.error().message.find("expected unix:PATH or tcp:HOST:PORT") !=
        std::string::npos);

  runbook::ExecRouterSpec exec;
  book.router = exec;
  auto no_command = make_world(book, e);
  REQUIRE_FALSE(no_command.ok());
  CHECK(no_command.error().message.find("exec needs a command") != std::string::npos);

  exec.command = {"./set-weights.sh", "${weight.canary}", "${vars.typo}"};
  book.router = exec;
  auto bad_command = make_world(book, e);
  REQUIRE_FALSE(bad_command.ok());
  CHECK(bad_command.error().message.find("[router] command") != std::string::npos);
  CHECK(bad_command.error().message.find("typo") != std::string::npos);

  exec.command = {"true"};
  book.router = exec;
  src.url = "${vars.nope}";
  book.metrics["prom"] = src;
  auto bad_var = make_world(book, e);
  REQUIRE_FALSE(bad_var.ok());
  CHECK(bad_var.error().message.find("[metrics.prom] url") != std::string::npos);
  CHECK(bad_var.error().message.find("nope") != std::string::npos);
}
