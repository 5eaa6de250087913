// HAProxy as the router: `set server B/S weight N` on every instance in parallel, each
// verified with `get weight`. All or none: a failed instance is retried once; if it still
// fails, instances that moved traffic towards the canary are put back to their previous
// weights. Instances that moved traffic away from the canary (a rollback) are left at
// that safer split: reverting them would send users back to the version being rolled back.
#include <charconv>
#include <chrono>
#include <thread>

#include "core/printable.hpp"
#include "providers/expand.hpp"
#include "providers/routers.hpp"

namespace rollout::providers {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == '\n' || s[i] == ' ')) ++i;
  return s.substr(i);
}

std::string split_text(const Split& s) {
  return std::to_string(s.stable) + "/" + std::to_string(s.canary);
}

// Runs f(i) for every i in [0, n) on its own thread and waits for all.
template <typename F>
void parallel(std::size_t n, F f) {
  if (n == 1) {
    f(0);
    return;
  }
  std::vector<std::jthread> threads;
  for (std::size_t i = 0; i < n; ++i) threads.emplace_back([&f, i] { f(i); });
}

}  // namespace

HaproxyRouter::HaproxyRouter(runbook::HaproxyRouterSpec spec, std::vector<SocketAddress> sockets)
    : spec_(std::move(spec)), sockets_(std::move(sockets)) {}

std::string HaproxyRouter::describe() const {
  return runbook::describe(spec_);
}

Result<std::unique_ptr<Router>> make_router(const runbook::HaproxyRouterSpec& spec,
                                            const Expander& expander, HttpClient&) {
  std::vector<SocketAddress> sockets;
  for (const auto& raw : spec.sockets) {
    auto text = expand_at(expander, raw, "[router] sockets");
    if (!text) return text.error();
    auto address = parse_socket_address(*text);
    if (!address) return make_error("[router] sockets: " + address.error().message);
    sockets.push_back(*address);
  }
  runbook::HaproxyRouterSpec resolved = spec;
  auto backend = expand_at(expander, spec.backend, "[router] backend");
  if (!backend) return backend.error();
  resolved.backend = *backend;
  for (auto* names : {&resolved.stable, &resolved.canary}) {
    auto expanded = expand_at(expander, *names, "[router] servers");
    if (!expanded) return expanded.error();
    *names = *expanded;
  }
  return std::unique_ptr<Router>(std::make_unique<HaproxyRouter>(resolved, std::move(sockets)));
}

Result<HaproxyRouter::Weights> HaproxyRouter::read_instance(const SocketAddress& address) const {
  Weights w;
  auto get = [&](const std::string& server) -> Result<int> {
    const std::string target = spec_.backend + "/" + server;
    auto reply = haproxy_command(address, "get weight " + target, spec_.timeout);
    if (!reply) return reply.error();
    const std::string text = trim(*reply);
    int weight = -1;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), weight);
    // A good reply is "N (initial M)".
    if (ec != std::errc() || weight < 0 || (p != text.data() + text.size() && *p != ' '))
      return make_error(address.text + ": get weight " + target + ": " + excerpt(text, 200));
    return weight;
  };
  for (const auto& s : spec_.stable) {
    auto weight = get(s);
    if (!weight) return weight.error();
    w.stable.push_back(*weight);
  }
  for (const auto& s : spec_.canary) {
    auto weight = get(s);
    if (!weight) return weight.error();
    w.canary.push_back(*weight);
  }
  return w;
}

Result<void> HaproxyRouter::apply_instance(const SocketAddress& address,
                                           const Weights& weights) const {
  auto set_all = [&](const std::vector<std::string>& servers,
                     const std::vector<int>& values) -> Result<void> {
    for (std::size_t i = 0; i < servers.size(); ++i) {
      const std::string command =
          "set server " + spec_.backend + "/" + servers[i] + " weight " + std::to_string(values[i]);
      auto reply = haproxy_command(address, command, spec_.timeout);
      if (!reply) return reply.error();
      // Success is an empty reply; anything else is HAProxy saying why not.
      const std::string text = trim(*reply);
      // The socket's raw bytes never reach a message as they are (see excerpt()).
      if (!text.empty())
        return make_error(address.text + ": " + command + ": " + excerpt(text, 200));
    }
    return {};
  };
  if (auto r = set_all(spec_.stable, weights.stable); !r) return r;
  if (auto r = set_all(spec_.canary, weights.canary); !r) return r;
  auto now = read_instance(address);
  if (!now) return now.error();
  if (now->stable != weights.stable || now->canary != weights.canary)
    return make_error(
        address.text + ": weights did not stick (read back " +
        split_text(split_from_weights(now->stable, now->canary).value_or(Split{0, 0})) + ")");
  return {};
}

Result<Split> HaproxyRouter::read() {
  const std::size_t n = sockets_.size();
  std::vector<std::optional<Result<Weights>>> got(n);
  parallel(n, [&](std::size_t i) { got[i].emplace(read_instance(sockets_[i])); });
  std::optional<Split> first;
  std::string errors, splits;
  bool disagree = false;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = *got[i];
    if (!r) {
      errors += (errors.empty() ? "" : "; ") + r.error().message;
      continue;
    }
    const auto split = split_from_weights(r->stable, r->canary);
    if (!split) {
      errors += (errors.empty() ? "" : "; ") + sockets_[i].text + ": every server of backend " +
                spec_.backend + " has weight 0";
      continue;
    }
    splits += (splits.empty() ? "" : ", ") + sockets_[i].text + " " + split_text(*split);
    if (first && !(*first == *split)) disagree = true;
    if (!first) first = split;
  }
  if (!errors.empty()) return make_error(errors);
  if (disagree) return make_error("haproxy instances disagree: " + splits);
  return *first;
}

Result<void> HaproxyRouter::set(const Split& split) {
  if (split.stable + split.canary != 100 || split.stable < 0 || split.canary < 0)
    return make_error("bad split " + split_text(split));
  if ((split.canary > 0 && spec_.canary.empty()) || (split.stable > 0 && spec_.stable.empty()))
    return make_error("cannot route " + split_text(split) + ": no servers on one side");
  const WeightPlan plan = plan_weights(split, spec_.stable.size(), spec_.canary.size());
  const Weights target{plan.stable, plan.canary};
  const std::size_t n = sockets_.size();
  std::vector<std::optional<Result<Weights>>> before(n);
  std::vector<std::optional<Result<void>>> done(n);

  auto attempt = [&](std::size_t i) {
    if (!before[i] || !*before[i]) before[i].emplace(read_instance(sockets_[i]));
    if (!*before[i]) {
      done[i].emplace(before[i]->error());
      return;
    }
    done[i].emplace(apply_instance(sockets_[i], target));
  };
  parallel(n, attempt);

  std::vector<std::size_t> failed;
  for (std::size_t i = 0; i < n; ++i)
    if (!*done[i]) failed.push_back(i);
  if (failed.empty()) return {};
  // One retry of the instances that failed (a socket busy with a reload, a lost packet),
  // after a short pause that lets a reloading HAProxy bind its socket again.
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  parallel(failed.size(), [&](std::size_t k) { attempt(failed[k]); });
  failed.clear();
  for (std::size_t i = 0; i < n; ++i)
    if (!*done[i]) failed.push_back(i);
  if (failed.empty()) return {};

  // Still failing: undo where undoing is safe (see the top of this file).
  std::vector<std::string> notes(n);
  parallel(n, [&](std::size_t i) {
    if (!*before[i]) return;  // never reached: nothing changed there
    const auto& prev = **before[i];
    const auto prev_split = split_from_weights(prev.stable, prev.canary);
    const bool towards_canary = !prev_split || split.canary > prev_split->canary;
    const std::string prev_text = prev_split ? split_text(*prev_split) : "all weights 0";
    if (!towards_canary) {
      if (*done[i])
        notes[i] = sockets_[i].text + " left at " + split_text(split) + " (the safer split)";
      return;
    }
    auto undo = apply_instance(sockets_[i], prev);
    notes[i] = undo ? sockets_[i].text + " put back to " + prev_text
                    : "could not put " + sockets_[i].text + " back to " + prev_text + ": " +
                          undo.error().message;
  });
  std::string message = "haproxy: setting " + split_text(split) + " failed on " +
                        std::to_string(failed.size()) + " of " + std::to_string(n) + " instance" +
                        (n == 1 ? "" : "s") + " (tried twice): ";
  for (std::size_t k = 0; k < failed.size(); ++k)
    message += (k ? "; " : "") + done[failed[k]]->error().message;
  for (const auto& note : notes)
    if (!note.empty()) message += "; " + note;
  return make_error(message);
}

}  // namespace rollout::providers
