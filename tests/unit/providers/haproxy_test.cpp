// Tests for lib/providers/router_haproxy.cpp against the real HAProxy: weights set and
// read back over unix and tcp stats sockets, HAProxy's own error text, several
// instances in parallel, all or none.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>

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

runbook::HaproxyRouterSpec spec_for(std::vector<std::string> sockets) {
  runbook::HaproxyRouterSpec spec;
  spec.sockets = std::move(sockets);
  spec.backend = "analyzer";
  spec.stable = {"original-1", "original-2"};
  spec.canary = {"ultra-1"};
  spec.timeout = 2s;
  return spec;
}

HaproxyRouter router_for(const runbook::HaproxyRouterSpec& spec) {
  std::vector<SocketAddress> addresses;
  for (const auto& s : spec.sockets) addresses.push_back(*parse_socket_address(s));
  return HaproxyRouter(spec, addresses);
}

}  // namespace

TEST_CASE("haproxy: can read the split in force (no instance needed to say so)") {
  CHECK(router_for(spec_for({"unix:/nonexistent.sock"})).can_read());
}

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

namespace {

// A fake HAProxy on a unix socket: one command per connection, answered by `reply`.
class FakeSocket {
 public:
  FakeSocket(const std::string& path, std::function<std::string(const std::string&)> reply)
      : reply_(std::move(reply)) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeSocket() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string line;
      char ch;
      while (::read(c, &ch, 1) == 1 && ch != '\n') line += ch;
      const std::string answer = reply_(line);
      (void)!::write(c, answer.data(), answer.size());
      ::close(c);
    }
  }
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::function<std::string(const std::string&)> reply_;
  std::thread thread_;
};

bool has_raw_bytes(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f || c >= 0x80) return true;
  return false;
}

}  // namespace

TEST_CASE("haproxy: raw bytes in a socket's answer are escaped in the message") {
  TempDir dir;
  const std::string raw("\x00\xff\x1b[2J\r\x07 bad\n", 14);
  bool weights_ok = false;
  FakeSocket fake(dir / "fake.sock", [&](const std::string& command) {
    if (command.rfind("get weight", 0) == 0 && weights_ok) return std::string("1 (initial 1)\n");
    return raw;
  });
  auto router = router_for(spec_for({"unix:" + (dir / "fake.sock")}));

  auto read = router.read();
  REQUIRE_FALSE(read.ok());
  CAPTURE(read.error().message);
  CHECK_FALSE(has_raw_bytes(read.error().message));
  CHECK(read.error().message.find("get weight analyzer/original-1: \\x00\\xff\\x1b[2J \\x07 bad") !=
        std::string::npos);

  weights_ok = true;  // now only `set server` answers with raw bytes
  auto set = router.set(Split{90, 10});
  REQUIRE_FALSE(set.ok());
  CAPTURE(set.error().message);
  CHECK_FALSE(has_raw_bytes(set.error().message));
  CHECK(set.error().message.find("\\x00\\xff\\x1b[2J") != std::string::npos);
}
