// Tests for lib/providers/json_reading.cpp, source_json.cpp and source_prometheus.cpp:
// JSON pointers, the file/exec/http-json sources, Prometheus's odd answers from a canned
// loopback server, and the real Prometheus binary.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "providers/curl_http_client.hpp"
#include "providers/json_reading.hpp"
#include "providers/sources.hpp"
#include "support/background.hpp"
#include "support/loopback_http.hpp"

using namespace rollout;
using namespace rollout::providers;
using namespace std::chrono_literals;
using testsupport::HttpRequestSeen;
using testsupport::LoopbackHttpServer;
using testsupport::TempDir;
using Kind = Reading::Kind;

TEST_CASE("JSON document + pointer") {
  const std::string doc =
      R"({"canary":{"error_rate":0.012,"p99":null,"name":"x","n":3,"up":false},"list":[1,2]})";
  auto v = reading_from_json(doc, "/canary/error_rate");
  CHECK(v.kind == Kind::value);
  CHECK(v.value == doctest::Approx(0.012));
  CHECK(reading_from_json(doc, "/canary/n").value == 3);
  CHECK(reading_from_json(doc, "/list/1").value == 2);
  CHECK(reading_from_json("42", "").value == 42);
  CHECK(reading_from_json(doc, "/canary/missing").kind == Kind::empty);
  CHECK(reading_from_json(doc, "/list/9").kind == Kind::empty);
  CHECK(reading_from_json(doc, "/canary/p99").kind == Kind::empty);
  // A string or a boolean is a word, for a gate's == or != (any other gate errs on it).
  auto s = reading_from_json(doc, "/canary/name");
  CHECK(s.kind == Kind::value);
  CHECK(s.word == "x");
  CHECK(reading_from_json(doc, "/canary/up").word == "false");
  CHECK_FALSE(reading_from_json(doc, "/canary/n").word);
  auto obj = reading_from_json(doc, "/canary");
  CHECK(obj.kind == Kind::error);
  CHECK(obj.detail.find("not a number") != std::string::npos);
  auto bad = reading_from_json("<html>oops</html>", "/x");
  CHECK(bad.kind == Kind::error);
  CHECK(bad.detail.find("not a JSON document") != std::string::npos);
  CHECK(reading_from_json(doc, "canary").kind == Kind::error);  // a pointer starts with '/'
}

TEST_CASE("file and exec sources") {
  TempDir dir;
  testsupport::write_file(dir / "m.json", R"({"canary":{"error_rate":0.25}})");
  runbook::FileSourceSpec spec;
  spec.path = dir / "m.json";
  FileSource file(spec);
  CHECK(file.query("/canary/error_rate").value == 0.25);
  testsupport::write_file(dir / "m.json", R"({"canary":{"error_rate":0.5}})");
  CHECK(file.query("/canary/error_rate").value == 0.5);  // read at every query
  spec.path = dir / "absent.json";
  CHECK(FileSource(spec).query("/x").kind == Kind::error);

  runbook::ExecSourceSpec ex;
  ex.command = {"/bin/sh", "-c", R"(echo noise >&2; printf '{"q":"%s","v":7}' "$ROLLOUT_QUERY")"};
  ExecSource exec(ex);
  auto r = exec.query("/v");
  CHECK(r.kind == Kind::value);
  CHECK(r.value == 7);
  ex.command = {"/bin/sh", "-c", "echo metrics backend down >&2; exit 4"};
  auto failed = ExecSource(ex).query("/v");
  CHECK(failed.kind == Kind::error);
  CHECK(failed.detail.find("exit 4") != std::string::npos);
  CHECK(failed.detail.find("metrics backend down") != std::string::npos);
  ex.command = {"/bin/sh", "-c", "sleep 10"};
  ex.timeout = 300ms;
  auto slow = ExecSource(ex).query("/v");
  CHECK(slow.kind == Kind::error);
  CHECK(slow.detail == "timeout after 300ms");
}

namespace {

// Runs `query` on a thread of its own and waits at most `limit`: a query that blocks
// forever fails the test instead of hanging it (`unblock` then frees the thread).
std::optional<Reading> within(std::chrono::milliseconds limit, std::function<Reading()> query) {
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Reading> r;
  };
  auto st = std::make_shared<State>();
  std::thread([st, query] {
    Reading r = query();
    std::lock_guard lock(st->mu);
    st->r = r;
    st->cv.notify_all();
  }).detach();
  std::unique_lock lock(st->mu);
  st->cv.wait_for(lock, limit, [&] { return st->r.has_value(); });
  return st->r;
}

// A reader blocked opening or reading the FIFO gets end-of-file.
void unblock(const std::string& fifo) {
  const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
  if (fd >= 0) ::close(fd);
}

}  // namespace

TEST_CASE("file source: bounded by its timeout and 1 MiB") {
  TempDir dir;
  runbook::FileSourceSpec spec;
  spec.timeout = 300ms;
  SUBCASE("a FIFO with no writer: an error at once, no wait") {
    spec.path = dir / "fifo";
    REQUIRE(::mkfifo(spec.path.c_str(), 0600) == 0);
    auto r = within(5s, [spec] { return FileSource(spec).query("/x"); });
    unblock(spec.path);
    REQUIRE(r);
    CHECK(r->kind == Kind::error);
    CHECK(r->detail.find("is a FIFO with no writer") != std::string::npos);
  }
  SUBCASE("a FIFO whose writer never writes: an error after the timeout") {
    spec.path = dir / "fifo";
    REQUIRE(::mkfifo(spec.path.c_str(), 0600) == 0);
    const int writer = ::open(spec.path.c_str(), O_RDWR | O_NONBLOCK);  // holds it open
    REQUIRE(writer >= 0);
    auto r = within(5s, [spec] { return FileSource(spec).query("/x"); });
    ::close(writer);
    unblock(spec.path);
    REQUIRE(r);
    CHECK(r->kind == Kind::error);
    CHECK(r->detail == "timeout after 300ms reading " + spec.path);
  }
  SUBCASE("a 5 MB document is refused, one under 1 MiB is read") {
    spec.path = dir / "big.json";
    testsupport::write_file(spec.path,
                            R"({"x": 1, "pad": ")" + std::string(5'000'000, 'a') + "\"}");
    auto big = FileSource(spec).query("/x");
    CHECK(big.kind == Kind::error);
    CHECK(big.detail == spec.path + " is larger than 1 MiB");
    testsupport::write_file(spec.path,
                            R"({"x": 1, "pad": ")" + std::string(1'000'000, 'a') + "\"}");
    auto fits = FileSource(spec).query("/x");
    CHECK(fits.kind == Kind::value);
    CHECK(fits.value == 1);
  }
}

TEST_CASE("http-json source") {
  LoopbackHttpServer server([](const HttpRequestSeen& r) {
    if (r.target == "/down") return testsupport::reply(503, "maintenance");
    return testsupport::reply(200, R"({"canary":{"error_rate":0.003}})");
  });
  CurlHttpClient http;
  runbook::HttpJsonSourceSpec spec;
  spec.url = server.url() + "/metrics.json";
  spec.headers = {{"X-Token", "abc"}};
  HttpJsonSource src(spec, http);
  auto r = src.query("/canary/error_rate");
  CHECK(r.kind == Kind::value);
  CHECK(r.value == doctest::Approx(0.003));
  CHECK(server.requests().at(0).headers.at("x-token") == "abc");
  spec.url = server.url() + "/down";
  auto down = HttpJsonSource(spec, http).query("/canary/error_rate");
  CHECK(down.kind == Kind::error);
  CHECK(down.detail == "HTTP 503: maintenance");
}

TEST_CASE("prometheus: every kind of answer, from a canned server") {
  // The query text selects the canned answer.
  LoopbackHttpServer server([](const HttpRequestSeen& r) {
    const std::string q = testsupport::query_param(r.target, "query");
    auto vec = [](std::string series) {
      return testsupport::reply(
          200, R"({"status":"success","data":{"resultType":"vector","result":[)" + series + "]}}");
    };
    auto one = [](std::string value) {
      return R"({"metric":{"version":"canary"},"value":[1700000000.1,")" + value + "\"]}";
    };
    if (q == "one") return vec(one("0.0125"));
    if (q == "nan") return vec(one("NaN"));
    if (q == "inf") return vec(one("+Inf"));
    if (q == "neginf") return vec(one("-Inf"));
    if (q == "empty") return vec("");
    if (q == "three") return vec(one("1") + "," + one("2") + "," + one("3"));
    if (q == "scalar")
      return testsupport::reply(
          200,
          R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"4.5"]}})");
    if (q == "matrix")
      return testsupport::reply(
          200, R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
    if (q == "bad")
      return testsupport::reply(
          400,
          R"({"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"})");
    if (q == "overloaded")
      return testsupport::reply(
          503, R"({"status":"error","errorType":"unavailable","error":"too many queries"})");
    if (q == "html")
      return testsupport::reply(502, "<html><body>Bad Gateway</body></html>", "text/html");
    if (q == "hang") return testsupport::hang();
    return testsupport::reply(200,
                              R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  });
  CurlHttpClient http;
  runbook::PrometheusSourceSpec spec;
  spec.url = server.url() + "/";  // a trailing slash is fine
  spec.timeout = 500ms;
  PrometheusSource prom(spec, http);

  auto one = prom.query("one");
  CHECK(one.kind == Kind::value);
  CHECK(one.value == doctest::Approx(0.0125));
  CHECK(one.detail.find("version=\"canary\"") != std::string::npos);
  CHECK(prom.query("scalar").value == 4.5);
  auto nan = prom.query("nan");
  CHECK(nan.kind == Kind::value);
  CHECK(std::isnan(nan.value));
  CHECK(prom.query("inf").value == INFINITY);
  CHECK(prom.query("neginf").value == -INFINITY);
  CHECK(prom.query("empty").kind == Kind::empty);

  auto three = prom.query("three");
  CHECK(three.kind == Kind::error);
  CHECK(three.detail.find("query must return one series, got 3") != std::string::npos);
  CHECK(prom.query("matrix").kind == Kind::error);
  auto bad = prom.query("bad");
  CHECK(bad.kind == Kind::error);
  CHECK(bad.detail == "bad_data: 1:5: parse error: unclosed left parenthesis");
  auto overloaded = prom.query("overloaded");
  CHECK(overloaded.kind == Kind::error);
  CHECK(overloaded.detail == "unavailable: too many queries");
  auto html = prom.query("html");
  CHECK(html.kind == Kind::error);
  CHECK(html.detail.find("HTTP 502") != std::string::npos);
  CHECK(html.detail.find("Bad Gateway") != std::string::npos);
  auto hang = prom.query("hang");
  CHECK(hang.kind == Kind::error);
  CHECK(hang.detail == "timeout after 500ms");

  // The query reaches Prometheus intact, whatever characters it holds.
  const std::string promql =
      R"(sum(rate(http_requests_total{version="canary",code=~"5.."}[1m])) / 2 + 1 & x)";
  (void)prom.query(promql);
  const auto seen = server.requests();
  CHECK(seen.back().target.rfind("/api/v1/query?query=", 0) == 0);
  CHECK(testsupport::query_param(seen.back().target, "query") == promql);
}

TEST_CASE("prometheus: the real server" *
          doctest::skip(testsupport::missing_program("/usr/bin/prometheus", "prometheus"))) {
  TempDir dir;
  const int port = testsupport::free_port();
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  testsupport::write_file(dir / "prometheus.yml",
                          "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                          "scrape_configs:\n  - job_name: self\n    static_configs:\n"
                          "      - targets: ['" +
                              addr + "']\n");
  testsupport::Background prometheus(
      {"/usr/bin/prometheus", "--config.file=" + (dir / "prometheus.yml"),
       "--storage.tsdb.path=" + (dir / "data"), "--web.listen-address=" + addr, "--log.level=warn"},
      dir / "prometheus.log");
  CurlHttpClient http;
  const bool ready = testsupport::wait_until(
      [&] {
        HttpRequest req;
        req.url = "http://" + addr + "/-/ready";
        req.timeout = 1s;
        auto r = http.send(req);
        return r.ok() && r->status == 200;
      },
      30s);
  INFO("prometheus log: " << testsupport::read_text(dir / "prometheus.log"));
  REQUIRE(ready);

  runbook::PrometheusSourceSpec spec;
  spec.url = "http://" + addr;
  PrometheusSource prom(spec, http);
  // `up` appears after the first scrape (every second).
  Reading up;
  REQUIRE(testsupport::wait_until(
      [&] {
        up = prom.query("up{job=\"self\"}");
        return up.kind == Kind::value;
      },
      20s));
  CHECK(up.value == 1);
  CHECK(up.detail.find("job=\"self\"") != std::string::npos);

  auto bad = prom.query("sum(up");
  CHECK(bad.kind == Kind::error);
  CHECK(bad.detail.rfind("bad_data: ", 0) == 0);
  CHECK(prom.query("no_such_metric_rollout_test").kind == Kind::empty);
  auto scalar = prom.query("scalar(vector(2.5))");
  CHECK(scalar.kind == Kind::value);
  CHECK(scalar.value == 2.5);
  auto nan = prom.query("vector(0) / 0");
  CHECK(nan.kind == Kind::value);
  CHECK(std::isnan(nan.value));
  auto several = prom.query("up or vector(1) or label_replace(up, \"x\", \"y\", \"\", \"\")");
  CHECK(several.kind == Kind::error);
  CHECK(several.detail.find("query must return one series, got") != std::string::npos);
  prometheus.stop();
  auto gone = prom.query("up");
  CHECK(gone.kind == Kind::error);
  CHECK(gone.detail == "connection refused");
}
