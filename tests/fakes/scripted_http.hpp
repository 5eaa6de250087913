// An HttpClient for unit tests that answers from a function of the request and the virtual
// time (a URL that says 503 until some hour, then 200), and counts what it was sent.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "ports/clock.hpp"
#include "ports/http_client.hpp"

namespace rollout::fakes {

class ScriptedHttp : public HttpClient {
 public:
  using Answer = std::function<Result<HttpResponse>(const HttpRequest&, Duration now)>;
  ScriptedHttp(Clock& clock, Answer answer) : clock_(clock), answer_(std::move(answer)) {}
  Result<HttpResponse> send(const HttpRequest& request) override;
  std::vector<HttpRequest> sent() const;

 private:
  Clock& clock_;
  Answer answer_;
  mutable std::mutex mu_;
  std::vector<HttpRequest> sent_;
};

}  // namespace rollout::fakes
