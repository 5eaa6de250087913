// The real metric sources. Each takes its [metrics.NAME] table with templates already
// expanded (make_world does that) and is safe to query from several threads at once.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ports/http_client.hpp"
#include "ports/metric_source.hpp"
#include "runbook/model.hpp"

namespace rollout::providers {

// Prometheus instant queries: GET URL/api/v1/query?query=...
class PrometheusSource final : public MetricSource {
 public:
  PrometheusSource(runbook::MetricSource spec, HttpClient& http);
  Reading query(const std::string& query) override;

 private:
  runbook::MetricSource spec_;
  HttpClient& http_;
};

// Prometheus's /api/v1/query answer (any HTTP status) -> Reading.
Reading reading_from_prometheus(long status, const std::string& body);

// GET url, then the check's query is a JSON pointer into the document.
class HttpJsonSource final : public MetricSource {
 public:
  HttpJsonSource(runbook::MetricSource spec, HttpClient& http);
  Reading query(const std::string& pointer) override;

 private:
  runbook::MetricSource spec_;
  HttpClient& http_;
};

// A JSON file, read at every query: opened non-blocking (a FIFO with no writer is an
// error, not a wait), at most 1 MiB, within the source's timeout. The read runs on its own
// thread, because a read stuck in the kernel (a hung network filesystem) cannot be
// interrupted: after the timeout the query is an error and the thread is left to finish
// on its own. While such a read is still stuck, further queries fail at once instead of
// piling up threads.
class FileSource final : public MetricSource {
 public:
  explicit FileSource(runbook::MetricSource spec);
  Reading query(const std::string& pointer) override;

 private:
  runbook::MetricSource spec_;
  std::shared_ptr<std::atomic<int>> stuck_ = std::make_shared<std::atomic<int>>(0);
};

// A command that prints a JSON document on stdout (exit 0). It gets the check's query in
// the environment as ROLLOUT_QUERY, so one script can serve several checks.
class ExecSource final : public MetricSource {
 public:
  explicit ExecSource(runbook::MetricSource spec);
  Reading query(const std::string& pointer) override;

 private:
  runbook::MetricSource spec_;
};

}  // namespace rollout::providers
