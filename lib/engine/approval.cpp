// approve_url (Flagger's confirm-promotion webhook): while a manual stage waits for
// approval, the URL is asked every stage interval; a 200 approves, any other status keeps
// the stage waiting, and so does a transport error (warned once per run of errors). The
// wait stays bounded by approval_timeout and `rollout advance` still works beside it
// (hold.cpp). A dry run never gets here: it approves by itself before any request.
#include <algorithm>

#include <fmt/format.h>

#include "engine/engine.hpp"

namespace rollout::engine {

std::optional<Engine::Flow> Engine::poll_approval(const runbook::Stage& stage, ApprovalPoll& poll,
                                                  std::optional<Duration> deadline) {
  if (stage.approve_url.empty()) return std::nullopt;
  const Duration now = ports_.clock.now();
  if (poll.next && now < *poll.next) return std::nullopt;
  const Duration interval = std::max(stage.rules.interval, Duration(100));
  poll.next = now + interval;

  const Expander ex = expander_for(&stage);
  HttpRequest req;
  req.method = "GET";
  // A slow URL never holds the hold up for long, and never past the approval deadline.
  req.timeout = std::clamp(interval, Duration(1000), Duration(10'000));
  if (deadline) req.timeout = std::max(Duration(1), std::min(req.timeout, *deadline - now));
  std::string problem;
  if (auto url = ex.expand(stage.approve_url))
    req.url = *url;
  else
    problem = url.error().message;
  for (const auto& [k, v] : stage.approve_headers) {
    if (!problem.empty()) break;
    if (auto hv = ex.expand(v))
      req.headers[k] = *hv;
    else
      problem = hv.error().message;
  }
  if (problem.empty()) {
    auto resp = ports_.http.send(req);
    if (resp && resp->status == 200) {
      emit(stage.name, "approved by approve_url (HTTP 200)", events::Advanced{"approve_url", 0});
      return Flow{};
    }
    if (resp) {
      poll.failing = false;  // the URL answers: a new run of errors is worth a word again
      return std::nullopt;
    }
    problem = resp.error().message;
  }
  if (!poll.failing) {
    poll.failing = true;
    const std::string why =
        fmt::format("approve_url: {}; still waiting for approval (asked every {})", problem,
                    format_duration(interval));
    emit(stage.name, why, events::Warning{why});
  }
  return std::nullopt;
}

}  // namespace rollout::engine
