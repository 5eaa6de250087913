// The JSON-document sources: http-json (GET), file (read) and exec (a command's stdout),
// each followed by a JSON pointer.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "providers/curl_http_client.hpp"
#include "providers/json_reading.hpp"
#include "providers/process.hpp"
#include "providers/sources.hpp"

namespace rollout::providers {

namespace {
Reading error(std::string detail) {
  return Reading{Reading::Kind::error, 0, std::move(detail)};
}
constexpr std::size_t kDocumentMax = 1u << 20;
}  // namespace

HttpJsonSource::HttpJsonSource(runbook::MetricSource spec, HttpClient& http)
    : spec_(std::move(spec)), http_(http) {}

Reading HttpJsonSource::query(const std::string& pointer) {
  HttpRequest request;
  request.method = "GET";
  request.url = spec_.url;
  request.headers = spec_.headers;
  request.timeout = spec_.timeout;
  request.insecure = spec_.insecure;
  auto response = http_.send(request);
  if (!response) return error(response.error().message);
  if (response->status < 200 || response->status > 299)
    return error("HTTP " + std::to_string(response->status) + ": " + body_start(response->body));
  return reading_from_json(response->body, pointer);
}

FileSource::FileSource(runbook::MetricSource spec) : spec_(std::move(spec)) {}

Reading FileSource::query(const std::string& pointer) {
  std::ifstream in(spec_.path, std::ios::binary);
  if (!in) return error("cannot read " + spec_.path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return reading_from_json(text.str(), pointer);
}

ExecSource::ExecSource(runbook::MetricSource spec) : spec_(std::move(spec)) {}

Reading ExecSource::query(const std::string& pointer) {
  SpawnSpec spec;
  spec.argv = spec_.command;
  spec.env = {{"ROLLOUT_QUERY", pointer}};
  spec.timeout = spec_.timeout;
  spec.split_stderr = true;
  spec.head_bytes = kDocumentMax;  // the document must arrive whole
  spec.tail_bytes = 0;
  auto run = spawn_capture(spec);
  if (!run) return error(run.error().message);
  if (run->timed_out) return error("timeout after " + format_duration(spec_.timeout));
  if (run->cancelled) return error("cancelled");
  if (run->exit_code != 0) {
    const std::string why = run->term_signal
                                ? "killed by signal " + std::to_string(run->term_signal)
                                : "exit " + std::to_string(run->exit_code);
    return error(spec_.command[0] + ": " + why +
                 (run->err.empty() ? "" : ": " + body_start(run->err)));
  }
  if (run->out.size() >= kDocumentMax) return error("output larger than 1 MiB");
  return reading_from_json(run->out, pointer);
}

}  // namespace rollout::providers
