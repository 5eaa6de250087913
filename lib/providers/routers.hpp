// The real routers: HAProxy's runtime API, an HTTP weights API, a command.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/template.hpp"
#include "ports/http_client.hpp"
#include "ports/router.hpp"
#include "runbook/model.hpp"

namespace rollout::providers {

// exec: runs the command with ${weight.stable}/${weight.canary} expanded and
// ROLLOUT_WEIGHT_STABLE, ROLLOUT_WEIGHT_CANARY (and ROLLOUT_ACTION=set) in its environment.
// Exit 0 is success. A command cannot be asked for the split in force, so read() answers
// the split this router last set in this process, and before that an Error that starts
// with kCannotRead; can_read() is false (the preflight does not count that as a failure).
class ExecRouter final : public Router {
 public:
  ExecRouter(runbook::ExecRouterSpec spec, Expander expander);
  Result<Split> read() override;
  Result<void> set(const Split& split) override;
  std::string describe() const override;
  bool can_read() const override { return false; }

 private:
  runbook::ExecRouterSpec spec_;
  Expander expander_;
  std::mutex mu_;
  std::optional<Split> last_;
};

// http: the templated request (method, url, headers, body); a 2xx answer is success.
// read() and can_read() as for exec: the last split set, else an Error (kCannotRead).
class HttpRouter final : public Router {
 public:
  HttpRouter(runbook::HttpRouterSpec spec, Expander expander, HttpClient& http);
  Result<Split> read() override;
  Result<void> set(const Split& split) override;
  std::string describe() const override;
  bool can_read() const override { return false; }

 private:
  runbook::HttpRouterSpec spec_;
  Expander expander_;
  HttpClient& http_;
  std::mutex mu_;
  std::optional<Split> last_;
};

inline constexpr const char* kCannotRead = "cannot read the current split";

// A stats socket address: "unix:/path" or "tcp:HOST:PORT" ("tcp:[::1]:PORT" for IPv6).
struct SocketAddress {
  bool unix_socket = true;
  std::string path;  // unix
  std::string host;  // tcp
  int port = 0;
  std::string text;  // as written
};
Result<SocketAddress> parse_socket_address(const std::string& text);

// Sends one runtime-API command ("get weight be/srv") and returns HAProxy's whole reply.
// Every step (connect, send, receive) is bounded by `timeout`.
Result<std::string> haproxy_command(const SocketAddress& address, const std::string& command,
                                    Duration timeout);

// Server weights (0..256) for a split. Each side gets a total weight in the split's exact
// ratio, as large as the 256-per-server cap allows (so rounding costs at most ~0.2 %), and
// spread evenly over its servers (weights differ by at most 1; with very small shares some
// servers of a side may get 0). 0 % gives that side's servers weight 0.
struct WeightPlan {
  std::vector<int> stable;
  std::vector<int> canary;
};
WeightPlan plan_weights(const Split& split, std::size_t n_stable, std::size_t n_canary);
// The split the weights give (canary share rounded to a whole percent); nullopt if all are 0.
std::optional<Split> split_from_weights(const std::vector<int>& stable,
                                        const std::vector<int>& canary);

// haproxy: every instance (socket) in parallel; see router_haproxy.cpp for all-or-none.
class HaproxyRouter final : public Router {
 public:
  HaproxyRouter(runbook::HaproxyRouterSpec spec, std::vector<SocketAddress> sockets);
  Result<Split> read() override;
  Result<void> set(const Split& split) override;
  std::string describe() const override;

 private:
  struct Weights {
    std::vector<int> stable, canary;
  };
  Result<Weights> read_instance(const SocketAddress& address) const;
  Result<void> apply_instance(const SocketAddress& address, const Weights& weights) const;
  runbook::HaproxyRouterSpec spec_;
  std::vector<SocketAddress> sockets_;
};

// Each kind's router from its [router] spec (complete: make_world checks that first).
// Connection details are expanded here, an Error naming the key when one cannot be; what
// varies per call (${weight.*} in a request or command) is tried now and expanded per call.
Result<std::unique_ptr<Router>> make_router(const runbook::HaproxyRouterSpec& spec,
                                            const Expander& expander, HttpClient& http);
Result<std::unique_ptr<Router>> make_router(const runbook::HttpRouterSpec& spec,
                                            const Expander& expander, HttpClient& http);
Result<std::unique_ptr<Router>> make_router(const runbook::ExecRouterSpec& spec,
                                            const Expander& expander, HttpClient& http);

}  // namespace rollout::providers
