// The real HttpClient: one libcurl easy handle per request, blocking, thread-safe.
#pragma once

#include "ports/http_client.hpp"

namespace rollout::providers {

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient();
  Result<HttpResponse> send(const HttpRequest& request) override;
};

// The start of a response body for an error message: at most `n` bytes, one line.
std::string body_start(const std::string& body, std::size_t n = 200);

}  // namespace rollout::providers
