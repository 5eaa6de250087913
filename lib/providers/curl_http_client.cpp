// Blocking HTTP requests for the http router, http steps, webhooks and JSON sources.
#include "providers/curl_http_client.hpp"

#include "core/printable.hpp"
#include "providers/curl_transfer.hpp"

namespace rollout::providers {

CurlHttpClient::CurlHttpClient() {
  curl_init_once();
}

Result<HttpResponse> CurlHttpClient::send(const HttpRequest& request) {
  CurlTransfer transfer(request);
  if (!transfer.handle()) return make_error("cannot create a curl handle");
  return transfer.finish(curl_easy_perform(transfer.handle()));
}

std::string body_start(const std::string& body, std::size_t n) {
  return excerpt(body, n);  // redacted before it is cut, raw bytes escaped
}

}  // namespace rollout::providers
