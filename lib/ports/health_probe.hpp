// One round of health polls over many URLs, concurrently. The engine owns the loop
// (interval, consecutive successes, deadline) so it runs on the virtual clock too.
#pragma once

#include <string>
#include <vector>

#include "core/duration.hpp"
#include "runbook/model.hpp"

namespace rollout {

struct ProbeResult {
  std::string url;
  bool ok = false;
  long status = 0;     // HTTP status, 0 when no response
  std::string detail;  // why not ok: timeout, refused, status 503, body mismatch
};

class HealthProbe {
 public:
  virtual ~HealthProbe() = default;
  // Polls every url once (concurrently) against spec's expectations and timeout.
  virtual std::vector<ProbeResult> probe(const std::vector<std::string>& urls,
                                         const runbook::Health& spec) = 0;
};

}  // namespace rollout
