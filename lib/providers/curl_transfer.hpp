// One libcurl easy handle set up from an HttpRequest, shared by the HTTP client (one
// blocking request) and the health probe (many at once on a multi handle). Our policy
// for every request lives here: timeouts, TLS, no proxies, no redirects, http(s) only.
#pragma once

#include <curl/curl.h>

#include <string>

#include "core/result.hpp"
#include "ports/http_client.hpp"

namespace rollout::providers {

// Connecting gets at most this long, even when the request's total timeout is longer.
inline constexpr Duration kConnectTimeout{5000};
// A response body larger than this is an error (a metrics or health endpoint gone wrong).
inline constexpr std::size_t kMaxBody = 32u << 20;

// curl_global_init, once per process, thread-safe.
void curl_init_once();

class CurlTransfer {
 public:
  explicit CurlTransfer(const HttpRequest& request, std::size_t max_body = kMaxBody);
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  CURL* handle() const { return easy_; }
  // The response, or an Error for a transport failure ("timeout after 5s",
  // "connection refused", ...), once the transfer finished with `code`.
  Result<HttpResponse> finish(CURLcode code);

 private:
  static size_t on_data(char* data, size_t size, size_t n, void* self);
  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::string body_;
  std::size_t max_body_;
  bool too_big_ = false;
  Duration timeout_;
  Duration connect_timeout_;
  char errbuf_[CURL_ERROR_SIZE] = {};
};

}  // namespace rollout::providers
