// Prometheus as a metric source: one instant query per gate measurement; every odd
// answer (empty, several series, NaN, status error, not JSON, timeout) gets a defined Reading.
#include <curl/curl.h>

#include <charconv>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/printable.hpp"
#include "providers/curl_http_client.hpp"
#include "providers/sources.hpp"

namespace rollout::providers {

namespace {

Reading error(std::string detail) {
  return Reading{Reading::Kind::error, 0, std::move(detail)};
}

std::string url_encode(const std::string& text) {
  std::string out;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Prometheus sends sample values as strings: "0.25", "NaN", "+Inf", "-Inf".
std::optional<double> parse_sample(const nlohmann::json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  double out = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  if (ec != std::errc() || p != end) return std::nullopt;
  return out;
}

std::string labels(const nlohmann::json& metric) {
  if (!metric.is_object() || metric.empty()) return "{}";
  std::string out = "{";
  for (auto it = metric.begin(); it != metric.end(); ++it) {
    if (out.size() > 1) out += ",";
    out += it.key() + "=" + (it->is_string() ? "\"" + it->get<std::string>() + "\"" : it->dump());
  }
  return printable(out + "}", false);  // label values are Prometheus's text, not ours
}

Reading sample_reading(const nlohmann::json& pair, const std::string& what) {
  if (!pair.is_array() || pair.size() != 2) return error("malformed sample in " + what);
  const auto v = parse_sample(pair[1]);
  if (!v) return error("malformed sample value " + pair[1].dump() + " in " + what);
  return Reading{Reading::Kind::value, *v,
                 what + " " + printable(pair[1].get<std::string>(), false)};
}

}  // namespace

Reading reading_from_prometheus(long status, const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return error("not a Prometheus answer (HTTP " + std::to_string(status) +
                 "): " + body_start(body));
  const std::string st = doc.value("status", "");
  if (st == "error") {
    return error(doc.value("errorType", "error") + ": " + doc.value("error", "(no message)"));
  }
  if (status < 200 || status > 299)
    return error("HTTP " + std::to_string(status) + ": " + body_start(body));
  if (st != "success" || !doc.contains("data") || !doc["data"].is_object())
    return error("unexpected Prometheus answer: " + body_start(body));
  const auto& data = doc["data"];
  const std::string type = data.value("resultType", "");
  const auto result = data.contains("result") ? data["result"] : nlohmann::json();
  if (type == "scalar") return sample_reading(result, "scalar");
  if (type == "vector") {
    if (!result.is_array()) return error("malformed vector result");
    if (result.empty()) return Reading{Reading::Kind::empty, 0, "empty result (no series)"};
    if (result.size() > 1)
      return error("query must return one series, got " + std::to_string(result.size()) +
                   " (aggregate it, e.g. with sum())");
    const auto& series = result[0];
    if (!series.is_object() || !series.contains("value")) return error("malformed vector result");
    return sample_reading(series["value"],
                          labels(series.value("metric", nlohmann::json::object())));
  }
  if (type == "matrix")
    return error("query returns a range vector; gates need an instant vector or a scalar");
  return error("query returns a " + (type.empty() ? std::string("malformed") : type) +
               " result; gates need an instant vector or a scalar");
}

PrometheusSource::PrometheusSource(runbook::PrometheusSourceSpec spec, HttpClient& http)
    : spec_(std::move(spec)), http_(http) {
  while (!spec_.url.empty() && spec_.url.back() == '/') spec_.url.pop_back();
}

Reading PrometheusSource::query(const std::string& query) {
  HttpRequest request;
  request.method = "GET";
  request.url = spec_.url + "/api/v1/query?query=" + url_encode(query);
  request.headers = spec_.headers;
  request.timeout = spec_.timeout;
  request.insecure = spec_.insecure;
  auto response = http_.send(request);
  if (!response) return error(response.error().message);
  return reading_from_prometheus(response->status, response->body);
}

Result<std::unique_ptr<MetricSource>> make_source(const runbook::PrometheusSourceSpec& spec,
                                                  const Expander& expander, HttpClient& http) {
  auto resolved = resolve_url_source(spec, expander);
  if (!resolved) return resolved.error();
  return std::unique_ptr<MetricSource>(std::make_unique<PrometheusSource>(*resolved, http));
}

}  // namespace rollout::providers
