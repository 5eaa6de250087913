// The preflight checks, each independent, all reported (not just the first failure).
#include "engine/preflight.hpp"

#include <future>

#include <fmt/format.h>

#include "events/event.hpp"

namespace rollout::engine {

std::string PreflightResult::summary() const {
  if (ok) return fmt::format("preflight ok ({} checks)", checks.size());
  std::string failed;
  for (const auto& c : checks) {
    if (c.ok) continue;
    if (!failed.empty()) failed += "; ";
    failed += c.what + ": " + c.detail;
  }
  return "preflight failed: " + failed;
}

nlohmann::json PreflightResult::to_json() const {
  return events::payload_to_json(payload());
}

PreflightResult run_preflight(const PreflightInput& in) {
  PreflightResult r;
  auto add = [&r](std::string what, bool ok, std::string detail) {
    r.checks.push_back({std::move(what), ok, std::move(detail)});
    if (!ok) r.ok = false;
  };

  // Router: answers, and nothing is half-rolled-out already.
  {
    auto split = in.router.read();
    const std::string what = "router (" + in.router.describe() + ")";
    if (!split && !in.router.can_read()) {
      // A write-only router (exec, http): nothing to compare; it answers when first set.
      add(what, true, split.error().message);
    } else if (!split) {
      add(what, false, split.error().message);
    } else {
      r.split = *split;
      const bool clean = split->canary == 0 && split->stable == 100;
      if (clean || in.allow_any_split)
        add(what, true, fmt::format("split {}/{}", split->stable, split->canary));
      else
        add(what, false,
            fmt::format("split is {}/{}, not 100/0: another rollout may be in progress; "
                        "use --from STAGE to pick up where it stands",
                        split->stable, split->canary));
    }
  }

  // Every check's query, concurrently: accepted (empty is fine before the canary has traffic).
  {
    struct Pending {
      std::string what;
      std::future<Reading> reading;
      std::string early_error;
    };
    std::vector<Pending> pending;
    for (const auto& [name, check] : in.book.checks) {
      Pending p;
      p.what = "check " + name;
      auto src = in.sources.find(check.source);
      auto q = in.expander.expand(check.query);
      if (src == in.sources.end() || !src->second) {
        p.early_error = "no metric source '" + check.source + "'";
      } else if (!q) {
        p.early_error = q.error().message;
      } else {
        MetricSource* source = src->second;
        p.reading =
            std::async(std::launch::async, [source, query = *q] { return source->query(query); });
      }
      pending.push_back(std::move(p));
    }
    for (auto& p : pending) {
      if (!p.early_error.empty()) {
        add(p.what, false, p.early_error);
        continue;
      }
      const Reading reading = p.reading.get();
      switch (reading.kind) {
        case Reading::Kind::value:
          add(p.what, true,
              reading.word ? "value " + *reading.word : fmt::format("value {}", reading.value));
          break;
        case Reading::Kind::empty:
          add(p.what, true, "accepted (no data yet)");
          break;
        case Reading::Kind::error:
          add(p.what, false, reading.detail);
          break;
      }
    }
  }

  // The stable side is healthy, when the runbook says how to tell.
  if (auto h = in.book.health.find("stable"); h != in.book.health.end()) {
    auto urls = in.expander.expand(h->second.urls);
    if (!urls) {
      add("health stable", false, urls.error().message);
    } else {
      const auto results = in.health.probe(*urls, h->second);
      std::string bad;
      for (const auto& p : results)
        if (!p.ok) bad += (bad.empty() ? "" : "; ") + p.url + ": " + p.detail;
      add("health stable", bad.empty(),
          bad.empty() ? fmt::format("{} url(s) ok", results.size()) : bad);
    }
  }

  for (const auto& e : in.extra) {
    add(e.value("what", std::string("?")), e.value("ok", false), e.value("detail", std::string()));
  }
  return r;
}

}  // namespace rollout::engine
