// The scripted HTTP client of the unit tests.
#include "fakes/scripted_http.hpp"

namespace rollout::fakes {

Result<HttpResponse> ScriptedHttp::send(const HttpRequest& request) {
  {
    std::lock_guard lock(mu_);
    sent_.push_back(request);
  }
  return answer_(request, clock_.now());
}

std::vector<HttpRequest> ScriptedHttp::sent() const {
  std::lock_guard lock(mu_);
  return sent_;
}

}  // namespace rollout::fakes
