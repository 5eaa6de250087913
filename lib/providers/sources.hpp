// The real metric sources. Each takes its [metrics.NAME] table with templates already
// expanded (make_world does that) and is safe to query from several threads at once.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/template.hpp"
#include "ports/http_client.hpp"
#include "ports/metric_source.hpp"
#include "providers/expand.hpp"
#include "runbook/model.hpp"

namespace rollout::providers {

// Prometheus instant queries: GET URL/api/v1/query?query=...
class PrometheusSource final : public MetricSource {
 public:
  PrometheusSource(runbook::PrometheusSourceSpec spec, HttpClient& http);
  Reading query(const std::string& query) override;

 private:
  runbook::PrometheusSourceSpec spec_;
  HttpClient& http_;
};

// Prometheus's /api/v1/query answer (any HTTP status) -> Reading.
Reading reading_from_prometheus(long status, const std::string& body);

// GET url, then the check's query is a JSON pointer into the document.
class HttpJsonSource final : public MetricSource {
 public:
  HttpJsonSource(runbook::HttpJsonSourceSpec spec, HttpClient& http);
  Reading query(const std::string& pointer) override;

 private:
  runbook::HttpJsonSourceSpec spec_;
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
  explicit FileSource(runbook::FileSourceSpec spec);
  Reading query(const std::string& pointer) override;

 private:
  runbook::FileSourceSpec spec_;
  std::shared_ptr<std::atomic<int>> stuck_ = std::make_shared<std::atomic<int>>(0);
};

// A command that prints a JSON document on stdout (exit 0). It gets the check's query in
// the environment as ROLLOUT_QUERY, so one script can serve several checks.
class ExecSource final : public MetricSource {
 public:
  explicit ExecSource(runbook::ExecSourceSpec spec);
  Reading query(const std::string& pointer) override;

 private:
  runbook::ExecSourceSpec spec_;
};

// A URL source's url and headers expanded, and checked complete (prometheus, http-json).
template <class Spec>
Result<Spec> resolve_url_source(const Spec& raw, const Expander& expander) {
  Spec spec = raw;
  const std::string where = "[metrics." + raw.name + "] ";
  auto url = expand_at(expander, raw.url, where + "url");
  if (!url) return url.error();
  spec.url = *url;
  auto headers = expand_at(expander, raw.headers, where + "headers");
  if (!headers) return headers.error();
  spec.headers = *headers;
  if (auto missing = runbook::incomplete(runbook::SourceSpec(spec))) return make_error(*missing);
  return spec;
}

// Each kind's source from its [metrics.NAME] spec: templates in its url, headers, path or
// command expanded (an Error naming the key when one cannot be), then checked complete.
Result<std::unique_ptr<MetricSource>> make_source(const runbook::PrometheusSourceSpec& spec,
                                                  const Expander& expander, HttpClient& http);
Result<std::unique_ptr<MetricSource>> make_source(const runbook::HttpJsonSourceSpec& spec,
                                                  const Expander& expander, HttpClient& http);
Result<std::unique_ptr<MetricSource>> make_source(const runbook::FileSourceSpec& spec,
                                                  const Expander& expander, HttpClient& http);
Result<std::unique_ptr<MetricSource>> make_source(const runbook::ExecSourceSpec& spec,
                                                  const Expander& expander, HttpClient& http);

}  // namespace rollout::providers
