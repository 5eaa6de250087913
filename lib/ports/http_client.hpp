// One HTTP request with a timeout: http router, http steps, webhooks, JSON sources.
#pragma once

#include <map>
#include <string>

#include "core/duration.hpp"
#include "core/result.hpp"

namespace rollout {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  Duration timeout{10000};
  bool insecure = false;  // TLS is verified unless the runbook says so
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // An Error for transport failures (refused, timeout, TLS); any HTTP status is a response.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

}  // namespace rollout
