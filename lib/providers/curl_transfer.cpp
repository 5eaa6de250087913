// Setting up libcurl easy handles the same way everywhere, and turning curl's failures
// into short messages an operator understands.
#include "providers/curl_transfer.hpp"

#include <cerrno>
#include <cstring>
#include <mutex>

namespace rollout::providers {

void curl_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t CurlTransfer::on_data(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<CurlTransfer*>(self);
  const size_t len = size * n;
  if (t->body_.size() + len > t->max_body_) {
    t->too_big_ = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  t->body_.append(data, len);
  return len;
}

CurlTransfer::CurlTransfer(const HttpRequest& request, std::size_t max_body)
    : max_body_(max_body),
      timeout_(request.timeout),
      connect_timeout_(std::min(request.timeout, kConnectTimeout)) {
  curl_init_once();
  easy_ = curl_easy_init();
  if (!easy_) return;
  curl_easy_setopt(easy_, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout_.count()));
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, errbuf_);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &CurlTransfer::on_data);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  // Only http and https, also after a (never followed) redirect: a runbook URL cannot
  // turn into file:// or anything else.
  curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);
  // No proxy, whatever http_proxy/https_proxy/ALL_PROXY say: routers, metrics and health
  // URLs are usually on loopback or the service network, and a proxy picked up from a
  // CI runner's environment would silently sit between rollout and the load balancer.
  curl_easy_setopt(easy_, CURLOPT_PROXY, "");
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, request.insecure ? 0L : 1L);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, request.insecure ? 0L : 2L);
  curl_easy_setopt(easy_, CURLOPT_USERAGENT, "rollout/" ROLLOUT_VERSION);

  const std::string& m = request.method;
  if (m == "HEAD") {
    curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
  } else if (!request.body.empty() || m == "POST" || m == "PUT" || m == "PATCH") {
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy_, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    if (m != "POST") curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, m.c_str());
  } else if (m != "GET") {
    curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, m.c_str());
  }
  for (const auto& [k, v] : request.headers)
    headers_ = curl_slist_append(headers_, (k + ": " + v).c_str());
  // No "Expect: 100-continue" round trip before a body.
  headers_ = curl_slist_append(headers_, "Expect:");
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
}

CurlTransfer::~CurlTransfer() {
  if (easy_) curl_easy_cleanup(easy_);
  if (headers_) curl_slist_free_all(headers_);
}

Result<HttpResponse> CurlTransfer::finish(CURLcode code) {
  if (!easy_) return make_error("cannot create a curl handle");
  if (code == CURLE_OK) {
    HttpResponse response;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(body_);
    return response;
  }
  if (too_big_)
    return make_error("response larger than " + std::to_string(max_body_ >> 20) + " MiB");
  if (code == CURLE_OPERATION_TIMEDOUT) {
    curl_off_t connect_us = 0;
    curl_easy_getinfo(easy_, CURLINFO_CONNECT_TIME_T, &connect_us);
    if (connect_us == 0 && connect_timeout_ < timeout_)
      return make_error("connect timeout after " + format_duration(connect_timeout_));
    return make_error("timeout after " + format_duration(timeout_));
  }
  if (code == CURLE_COULDNT_CONNECT) {
    long os_errno = 0;
    curl_easy_getinfo(easy_, CURLINFO_OS_ERRNO, &os_errno);
    if (os_errno == ECONNREFUSED) return make_error("connection refused");
    if (os_errno != 0)
      return make_error(std::string("cannot connect: ") +
                        std::strerror(static_cast<int>(os_errno)));
  }
  if (errbuf_[0] != '\0') return make_error(errbuf_);
  return make_error(curl_easy_strerror(code));
}

}  // namespace rollout::providers
