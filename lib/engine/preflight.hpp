// Preflight: before touching traffic, prove that the router answers (and the split is
// 100/0 unless told where to pick up), that every check's query is accepted by its
// source, that the stable side is healthy. `rollout start` and `rollout plan --check`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/template.hpp"
#include "events/payloads.hpp"
#include "ports/health_probe.hpp"
#include "ports/metric_source.hpp"
#include "ports/router.hpp"
#include "runbook/model.hpp"

namespace rollout::engine {

struct PreflightInput {
  const runbook::Runbook& book;
  const Expander& expander;
  Router& router;
  const std::map<std::string, MetricSource*>& sources;
  HealthProbe& health;
  bool allow_any_split = false;  // --from STAGE (or a resume): the split may be anything
  // Results measured by the caller, as {what, ok, detail} (e.g. the state directory).
  std::vector<nlohmann::json> extra;
};

using PreflightCheck = events::PreflightCheck;  // what, ok, detail

struct PreflightResult {
  bool ok = true;
  std::vector<PreflightCheck> checks;
  std::optional<Split> split;   // as read from the router
  std::string summary() const;  // "preflight ok (5 checks)" or the first failures
  events::Preflight payload() const { return {ok, checks}; }  // the preflight event's
  nlohmann::json to_json() const;  // that payload as JSON: {ok, checks:[...]}
};

PreflightResult run_preflight(const PreflightInput& in);

}  // namespace rollout::engine
