// [[notify]] webhooks: an EventSink that queues a request for every hook naming the
// event, sent by one background thread so a slow or dead webhook never holds up the
// engine (least of all a rollback). Failures are warnings on stderr, URL redacted.
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <thread>

#include "core/redact.hpp"
#include "providers/curl_http_client.hpp"
#include "providers/factory.hpp"
#include "runbook/bindings.hpp"

namespace rollout {

namespace {

using Clock = std::chrono::steady_clock;

// Inside a JSON body, substituted values are escaped as string contents, so a summary
// with quotes cannot break the document.
std::string json_escaped(const std::string& value) {
  const std::string quoted =
      nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

bool looks_like_json(const std::string& body) {
  const auto i = body.find_first_not_of(" \t\r\n");
  return i != std::string::npos && (body[i] == '{' || body[i] == '[');
}

bool has_header(const std::map<std::string, std::string>& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(k[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return true;
  }
  return false;
}

void warn(const std::string& url, const std::string& what) {
  const std::string line =
      "rollout: warning: notify " + secrets().redact(url) + ": " + secrets().redact(what) + "\n";
  std::fputs(line.c_str(), stderr);
}

class WebhookNotifier final : public EventSink {
 public:
  WebhookNotifier(const runbook::Runbook& book, const Expander& expander, HttpClient& http)
      : hooks_(book.notify), expander_(expander), rollout_name_(book.rollout.name), http_(http) {
    for (const auto& h : hooks_) drain_bound_ = std::max(drain_bound_, h.timeout);
    if (!hooks_.empty()) worker_ = std::thread([this] { work(); });
  }

  ~WebhookNotifier() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      drain_deadline_ = Clock::now() + drain_bound_;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  void on_event(const Event& event) override {
    const std::string name(to_string(event.type));
    for (const auto& hook : hooks_) {
      if (std::find(hook.events.begin(), hook.events.end(), name) == hook.events.end()) continue;
      const bool json = looks_like_json(hook.body);
      auto value = [&](const std::string& v) { return json ? json_escaped(v) : v; };
      const Expander e =
          runbook::bind_event(expander_, {value(name), value(event.summary), value(rollout_name_),
                                          event.stage.empty() ? "" : value(event.stage)});
      auto url = e.expand(hook.url);
      if (!url) {
        warn(hook.url, url.error().message);
        continue;
      }
      HttpRequest request;
      request.method = hook.method;
      request.url = *url;
      request.timeout = hook.timeout;
      auto body = e.expand(hook.body);
      if (!body) {
        warn(*url, body.error().message);
        continue;
      }
      request.body = *body;
      bool bad = false;
      for (const auto& [k, v] : hook.headers) {
        auto h = e.expand(v);
        if (!h) {
          warn(*url, h.error().message);
          bad = true;
          break;
        }
        request.headers[k] = *h;
      }
      if (bad) continue;
      if (json && !has_header(request.headers, "Content-Type"))
        request.headers["Content-Type"] = "application/json";
      std::lock_guard lock(mu_);
      if (stopping_) return;
      if (queue_.size() >= kMaxQueued) {
        warn(request.url,
             "dropped (more than " + std::to_string(kMaxQueued) + " notifications waiting)");
        continue;
      }
      queue_.push_back(std::move(request));
      cv_.notify_one();
    }
  }

 private:
  static constexpr std::size_t kMaxQueued = 256;

  void work() {
    for (;;) {
      HttpRequest request;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        if (stopping_) {
          // Draining at exit: bounded by the longest hook timeout, whatever is queued.
          const auto left = std::chrono::duration_cast<Duration>(drain_deadline_ - Clock::now());
          if (left.count() <= 0) {
            for (const auto& r : queue_) warn(r.url, "not sent: rollout is exiting");
            queue_.clear();
            return;
          }
          queue_.front().timeout = std::min(queue_.front().timeout, left);
        }
        request = std::move(queue_.front());
        queue_.pop_front();
      }
      auto response = http_.send(request);
      if (!response)
        warn(request.url, response.error().message);
      else if (response->status < 200 || response->status > 299)
        warn(request.url,
             "HTTP " + std::to_string(response->status) +
                 (response->body.empty() ? "" : ": " + providers::body_start(response->body)));
    }
  }

  std::vector<runbook::Notify> hooks_;
  Expander expander_;
  std::string rollout_name_;
  HttpClient& http_;
  Duration drain_bound_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<HttpRequest> queue_;
  bool stopping_ = false;
  Clock::time_point drain_deadline_{};
  std::thread worker_;
};

}  // namespace

std::unique_ptr<EventSink> make_notifier(const runbook::Runbook& book, const Expander& expander,
                                         HttpClient& http) {
  return std::make_unique<WebhookNotifier>(book, expander, http);
}

}  // namespace rollout
