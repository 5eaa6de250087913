// [router] as a variant of kinds, as Action is for steps. Each kind's own file
// (router_haproxy.cpp, router_http.cpp, router_exec.cpp) owns its keys, its parsing, its
// plan output and its one-line description; providers/ builds the router from it. A new
// kind is a struct here (its keys, its declarations below, its place in RouterSpec), its
// runbook file, and its provider (see the README's layout section).
#pragma once

#include "runbook/kind_fwd.hpp"

namespace rollout::runbook {

// What every router kind has.
struct RouterCommon {
  Duration timeout = 5s;  // per call (one socket command, one request, one exec)
  Pos pos;
};

// haproxy: the runtime API of every load-balancer instance.
struct HaproxyRouterSpec : RouterCommon {
  static constexpr const char* kType = "haproxy";
  inline static const std::vector<std::string> kKeys = {"sockets", "backend", "stable", "canary"};
  std::vector<std::string> sockets;  // "unix:/path" or "tcp:host:port"
  std::string backend;
  std::vector<std::string> stable;  // server names in the backend
  std::vector<std::string> canary;
};

// http: a templated request; ${weight.stable} and ${weight.canary} are percents.
struct HttpRouterSpec : RouterCommon {
  static constexpr const char* kType = "http";
  inline static const std::vector<std::string> kKeys = {"url", "method", "headers", "body",
                                                        "insecure"};
  std::string url;
  std::string method = "POST";
  std::map<std::string, std::string> headers;
  std::string body;
  bool insecure = false;  // skip TLS verification
};

// exec: argv, also given ROLLOUT_WEIGHT_STABLE / ROLLOUT_WEIGHT_CANARY.
struct ExecRouterSpec : RouterCommon {
  static constexpr const char* kType = "exec";
  inline static const std::vector<std::string> kKeys = {"command"};
  std::vector<std::string> command;
};

// The order is the order messages list the types in.
using RouterSpec = std::variant<HaproxyRouterSpec, HttpRouterSpec, ExecRouterSpec>;

const RouterCommon& common(const RouterSpec& r);
RouterCommon& common(RouterSpec& r);
const char* type_name(const RouterSpec& r);  // "haproxy", "http", "exec"

// Each kind, in its own file:
//   parse(t, spec)      its own keys from [router] (the common ones and unknown keys are read
//                       and checked once, in router_spec.cpp)
//   incomplete(spec)    what it cannot work without, for a spec built in code ("a command")
//   plan_fields(spec)   its keys in `plan --json`'s "router" object, templates for display
//   plan_line(spec)     the "Router:" line of `plan`
//   plan_call(spec)     what a weight step sends, resolved for display ("" when fixed)
//   describe(spec)      one line for messages (the provider's describe())
void parse(KindTable& t, HaproxyRouterSpec& spec);
void parse(KindTable& t, HttpRouterSpec& spec);
void parse(KindTable& t, ExecRouterSpec& spec);
std::optional<std::string> incomplete(const HaproxyRouterSpec& spec);
std::optional<std::string> incomplete(const HttpRouterSpec& spec);
std::optional<std::string> incomplete(const ExecRouterSpec& spec);
void plan_fields(const HaproxyRouterSpec& spec, const Expander& ex, nlohmann::json& out);
void plan_fields(const HttpRouterSpec& spec, const Expander& ex, nlohmann::json& out);
void plan_fields(const ExecRouterSpec& spec, const Expander& ex, nlohmann::json& out);
std::string plan_line(const HaproxyRouterSpec& spec, const Expander& ex);
std::string plan_line(const HttpRouterSpec& spec, const Expander& ex);
std::string plan_line(const ExecRouterSpec& spec, const Expander& ex);
std::string plan_call(const HaproxyRouterSpec& spec, const Expander& ex);
std::string plan_call(const HttpRouterSpec& spec, const Expander& ex);
std::string plan_call(const ExecRouterSpec& spec, const Expander& ex);
std::string describe(const HaproxyRouterSpec& spec);
std::string describe(const HttpRouterSpec& spec);
std::string describe(const ExecRouterSpec& spec);

// The same, over the variant: "[router] exec needs a command" and so on.
std::optional<std::string> incomplete(const RouterSpec& r);
nlohmann::json plan_json(const RouterSpec& r, const Expander& ex);
std::string plan_line(const RouterSpec& r, const Expander& ex);
std::string plan_call(const RouterSpec& r, const Expander& ex);  // ex has ${weight.*} bound
std::string describe(const RouterSpec& r);

}  // namespace rollout::runbook
