// Talking to HAProxy's runtime API: one command per connection on a unix or tcp stats
// socket (HAProxy answers and closes in non-interactive mode), every step time-bounded.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include "providers/routers.hpp"

namespace rollout::providers {

namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Waits for `events` on fd until the deadline; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // let the next call report the error
  }
}

}  // namespace

Result<SocketAddress> parse_socket_address(const std::string& text) {
  SocketAddress a;
  a.text = text;
  if (text.rfind("unix:", 0) == 0) {
    a.path = text.substr(5);
    if (a.path.empty()) return make_error("socket \"" + text + "\": no path after unix:");
    if (a.path.size() >= sizeof(sockaddr_un{}.sun_path))
      return make_error("socket \"" + text + "\": path too long for a unix socket");
    return a;
  }
  if (text.rfind("tcp:", 0) == 0) {
    a.unix_socket = false;
    std::string rest = text.substr(4);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0)
      return make_error("socket \"" + text + "\": expected tcp:HOST:PORT");
    a.host = rest.substr(0, colon);
    if (a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
    const std::string port = rest.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
    if (ec != std::errc() || p != port.data() + port.size() || a.port <= 0 || a.port > 65535)
      return make_error("socket \"" + text + "\": bad port \"" + port + "\"");
    return a;
  }
  return make_error("socket \"" + text + "\": expected unix:PATH or tcp:HOST:PORT");
}

Result<std::string> haproxy_command(const SocketAddress& address, const std::string& command,
                                    Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  const std::string where = address.text + ": ";
  const std::string timed_out = where + "timeout after " + format_duration(timeout);
  Fd sock;
  int rc = -1;
  if (address.unix_socket) {
    sock.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (sock.fd < 0) return make_error(where + "socket: " + std::strerror(errno));
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, address.path.c_str(), address.path.size() + 1);
    rc = ::connect(sock.fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  } else {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* res = nullptr;
    const int g =
        ::getaddrinfo(address.host.c_str(), std::to_string(address.port).c_str(), &hints, &res);
    if (g != 0 || !res)
      return make_error(where + "cannot resolve " + address.host + ": " + ::gai_strerror(g));
    sock.fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (sock.fd >= 0) rc = ::connect(sock.fd, res->ai_addr, res->ai_addrlen);
    ::freeaddrinfo(res);
    if (sock.fd < 0) return make_error(where + "socket: " + std::strerror(errno));
  }
  if (rc != 0 && errno != EINPROGRESS && errno != EAGAIN)
    return make_error(where + "connect: " + std::strerror(errno));
  if (rc != 0) {
    if (!wait_for(sock.fd, POLLOUT, deadline)) return make_error(timed_out);
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(sock.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return make_error(where + "connect: " + std::strerror(err));
  }
  const std::string line = command + "\n";
  std::size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = ::send(sock.fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(sock.fd, POLLOUT, deadline)) return make_error(timed_out);
    } else {
      return make_error(where + "send: " + std::strerror(errno));
    }
  }
  std::string reply;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n > 0) {
      reply.append(buf, static_cast<std::size_t>(n));
      if (reply.size() > (1u << 20)) return make_error(where + "reply larger than 1 MiB");
    } else if (n == 0) {
      return reply;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_for(sock.fd, POLLIN, deadline)) return make_error(timed_out);
    } else {
      return make_error(where + "receive: " + std::strerror(errno));
    }
  }
}

}  // namespace rollout::providers
