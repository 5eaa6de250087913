// Tests for lib/providers/router_haproxy.cpp against the real HAProxy: weights set and
// read back over unix and tcp stats sockets, HAProxy's own error text, several
// instances in parallel, all or none.
#include <doctest/doctest.h>

#include "providers/routers.hpp"
#include "support/background.hpp"
#include "support/loopback_http.hpp"

using namespace rollout;
using namespace rollout::providers;
using namespace std::chrono_literals;
using testsupport::TempDir;

namespace {

const bool kNoHaproxy = testsupport::missing_program("/usr/sbin/haproxy", "haproxy");

// One HAProxy in the foreground with a stats socket (`unix:PATH` or `tcp:127.0.0.1:PORT`)
// and backend "analyzer": original-1, original-2 (weight 1) and ultra-1 (weight 0).
struct Haproxy {
  TempDir dir;
  std::string socket;
  std::unique_ptr<testsupport::Background> process;

  explicit Haproxy(bool tcp) {
    std::string bind;
    if (tcp) {
      const int port = testsupport::free_port();
      socket = "tcp:127.0.0.1:" + std::to_string(port);
      bind = "ipv4@127.0.0.1:" + std::to_string(port);
    } else {
      socket = "unix:" + (dir / "admin.sock");
      bind = dir / "admin.sock";
    }
    const int p1 = testsupport::free_port(), p2 = testsupport::free_port(),
              p3 = testsupport::free_port();
    testsupport::write_file(dir / "haproxy.cfg",
                            "global\n  stats socket " + bind +
                                " level admin\n"
                                "defaults\n  mode http\n  timeout connect 1s\n  timeout client "
                                "5s\n  timeout server 5s\n"
                                "backend analyzer\n  balance roundrobin\n"
                                "  server original-1 127.0.0.1:" +
                                std::to_string(p1) +
                                " weight 1\n"
                                "  server original-2 127.0.0.1:" +
                                std::to_string(p2) +
                                " weight 1\n"
                                "  server ultra-1 127.0.0.1:" +
                                std::to_string(p3) + " weight 0\n");
    process = std::make_unique<testsupport::Background>(
        std::vector<std::string>{"/usr/sbin/haproxy", "-db", "-f", dir / "haproxy.cfg"},
        dir / "haproxy.log");
    const auto address = parse_socket_address(socket);
    const bool up = testsupport::wait_until(
        [&] { return haproxy_command(*address, "show info", 1s).ok(); }, 10s);
    if (!up) FAIL("haproxy did not start: " << testsupport::read_text(dir / "haproxy.log"));
  }

  std::string raw(const std::string& command) const {
    auto r = haproxy_command(*parse_socket_address(socket), command, 2s);
    std::string text = r ? *r : "ERROR " + r.error().message;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }
};

runbook::Router spec_for(std::vector<std::string> sockets) {
  runbook::Router spec;
  spec.type = runbook::RouterType::haproxy;
  spec.sockets = std::move(sockets);
  spec.backend = "analyzer";
  spec.stable = {"original-1", "original-2"};
  spec.canary = {"ultra-1"};
  spec.timeout = 2s;
  return spec;
}

HaproxyRouter router_for(const runbook::Router& spec) {
  std::vector<SocketAddress> addresses;
  for (const auto& s : spec.sockets) addresses.push_back(*parse_socket_address(s));
  return HaproxyRouter(spec, addresses);
}

}  // namespace

TEST_CASE("haproxy: set and read back splits on one instance" * doctest::skip(kNoHaproxy)) {
  for (bool tcp : {false, true}) {
    Haproxy lb(tcp);
    CAPTURE(lb.socket);
    auto router = router_for(spec_for({lb.socket}));
    auto initial = router.read();
    REQUIRE(initial.ok());
    CHECK(*initial == Split{100, 0});

    REQUIRE(router.set(Split{99, 1}).ok());
    CHECK(*router.read() == Split{99, 1});
    CHECK(lb.raw("get weight analyzer/original-1") == "256 (initial 1)");
    CHECK(lb.raw("get weight analyzer/ultra-1") == "5 (initial 0)");

    for (int canary : {10, 50, 100, 0}) {
      CAPTURE(canary);
      REQUIRE(router.set(Split{100 - canary, canary}).ok());
      CHECK(*router.read() == Split{100 - canary, canary});
    }
    CHECK(lb.raw("get weight analyzer/ultra-1") == "0 (initial 0)");
  }
}

TEST_CASE("haproxy: HAProxy's own error text comes back" * doctest::skip(kNoHaproxy)) {
  Haproxy lb(false);
  auto spec = spec_for({lb.socket});
  spec.canary = {"ultra-9"};
  auto router = router_for(spec);
  auto set = router.set(Split{90, 10});
  REQUIRE_FALSE(set.ok());
  CHECK(set.error().message.find("No such server") != std::string::npos);
  CHECK(set.error().message.find(lb.socket) != std::string::npos);
  auto read = router.read();
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().message.find("No such server") != std::string::npos);

  spec = spec_for({lb.socket});
  spec.backend = "nope";
  auto no_backend = router_for(spec).read();
  REQUIRE_FALSE(no_backend.ok());
  CHECK(no_backend.error().message.find("get weight nope/original-1") != std::string::npos);
}

TEST_CASE("haproxy: several instances in parallel, all or none" * doctest::skip(kNoHaproxy)) {
  Haproxy a(false), b(true);
  auto both = router_for(spec_for({a.socket, b.socket}));
  REQUIRE(both.set(Split{90, 10}).ok());
  CHECK(*router_for(spec_for({a.socket})).read() == Split{90, 10});
  CHECK(*router_for(spec_for({b.socket})).read() == Split{90, 10});
  CHECK(*both.read() == Split{90, 10});

  // Instances that disagree are an error, not a guess.
  REQUIRE(router_for(spec_for({b.socket})).set(Split{75, 25}).ok());
  auto disagree = both.read();
  REQUIRE_FALSE(disagree.ok());
  CHECK(disagree.error().message.find("disagree") != std::string::npos);
  REQUIRE(both.set(Split{90, 10}).ok());

  TempDir nowhere;
  const std::string dead = "unix:" + (nowhere / "gone.sock");
  auto partial = router_for(spec_for({a.socket, dead}));
  // Towards the canary: the instance that took the new split is put back.
  auto up = partial.set(Split{50, 50});
  REQUIRE_FALSE(up.ok());
  CHECK(up.error().message.find(dead) != std::string::npos);
  CHECK(up.error().message.find("1 of 2") != std::string::npos);
  CHECK(up.error().message.find(a.socket + " put back to 90/10") != std::string::npos);
  CHECK(*router_for(spec_for({a.socket})).read() == Split{90, 10});

  // Away from the canary (a rollback): the instance that made it stays at the safer split.
  auto down = partial.set(Split{100, 0});
  REQUIRE_FALSE(down.ok());
  CHECK(down.error().message.find(a.socket + " left at 100/0") != std::string::npos);
  CHECK(*router_for(spec_for({a.socket})).read() == Split{100, 0});
}
