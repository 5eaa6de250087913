// Health polls: every URL of a round concurrently (libcurl multi), each judged on its
// status and optional body substring, with a reason whenever it is not ok.
#include "providers/health_probe.hpp"

#include <chrono>
#include <memory>

#include "providers/curl_http_client.hpp"
#include "providers/curl_transfer.hpp"

namespace rollout::providers {

namespace {
constexpr std::size_t kHealthBodyMax = 1u << 20;
}

CurlHealthProbe::CurlHealthProbe() {
  curl_init_once();
  multi_ = curl_multi_init();
}

CurlHealthProbe::~CurlHealthProbe() {
  if (multi_) curl_multi_cleanup(multi_);
}

std::vector<ProbeResult> CurlHealthProbe::probe(const std::vector<std::string>& urls,
                                                const runbook::Health& spec) {
  std::lock_guard lock(mu_);
  std::vector<ProbeResult> results(urls.size());
  std::vector<std::unique_ptr<CurlTransfer>> transfers;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    results[i].url = urls[i];
    HttpRequest request;
    request.method = "GET";
    request.url = urls[i];
    request.timeout = spec.timeout;
    request.insecure = spec.insecure;
    transfers.push_back(std::make_unique<CurlTransfer>(request, kHealthBodyMax));
  }
  if (!multi_) {
    for (auto& r : results) r.detail = "cannot create a curl multi handle";
    return results;
  }
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    CURL* easy = transfers[i]->handle();
    if (!easy) {
      results[i].detail = "cannot create a curl handle";
      continue;
    }
    curl_easy_setopt(easy, CURLOPT_PRIVATE, reinterpret_cast<void*>(i));
    curl_multi_add_handle(multi_, easy);
  }
  // Every transfer has its own timeout (spec.timeout, which the engine caps by what is left
  // of the check's deadline), so this loop ends within it; the round's own limit, a second
  // later, holds even if curl did not.
  const auto give_up = std::chrono::steady_clock::now() + spec.timeout + std::chrono::seconds(1);
  int running = 1;
  while (running > 0 && std::chrono::steady_clock::now() < give_up) {
    if (curl_multi_perform(multi_, &running) != CURLM_OK) break;
    if (running > 0) curl_multi_poll(multi_, nullptr, 0, 200, nullptr);
  }
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    void* priv = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
    const auto i = reinterpret_cast<std::size_t>(priv);
    auto& r = results[i];
    auto response = transfers[i]->finish(msg->data.result);
    if (!response) {
      r.detail = response.error().message;
      continue;
    }
    r.status = response->status;
    if (r.status != spec.expect_status) {
      r.detail = "status " + std::to_string(r.status) + " (expected " +
                 std::to_string(spec.expect_status) + ")";
      if (!response->body.empty()) r.detail += ": " + body_start(response->body, 120);
    } else if (!spec.expect_body.empty() &&
               response->body.find(spec.expect_body) == std::string::npos) {
      r.detail =
          "body does not contain \"" + spec.expect_body + "\": " + body_start(response->body, 120);
    } else {
      r.ok = true;
    }
  }
  for (auto& t : transfers)
    if (t->handle()) curl_multi_remove_handle(multi_, t->handle());
  for (auto& r : results)
    if (!r.ok && r.detail.empty()) r.detail = "no answer";
  return results;
}

}  // namespace rollout::providers
