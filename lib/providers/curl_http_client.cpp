// Blocking HTTP requests for the http router, http steps, webhooks and JSON sources.
#include "providers/curl_http_client.hpp"

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
  std::string out;
  for (char c : body) {
    if (out.size() >= n) {
      out += "...";
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace rollout::providers
