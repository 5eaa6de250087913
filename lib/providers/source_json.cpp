// The JSON-document sources: http-json (GET), file (read) and exec (a command's stdout),
// each followed by a JSON pointer. Each is bounded by the source's timeout and a size limit.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

#include "providers/curl_http_client.hpp"
#include "providers/expand.hpp"
#include "providers/json_reading.hpp"
#include "providers/process.hpp"
#include "providers/sources.hpp"

namespace rollout::providers {

namespace {
Reading error(std::string detail) {
  return Reading{Reading::Kind::error, 0, std::move(detail)};
}
constexpr std::size_t kDocumentMax = 1u << 20;
}  // namespace

HttpJsonSource::HttpJsonSource(runbook::HttpJsonSourceSpec spec, HttpClient& http)
    : spec_(std::move(spec)), http_(http) {}

Reading HttpJsonSource::query(const std::string& pointer) {
  HttpRequest request;
  request.method = "GET";
  request.url = spec_.url;
  request.headers = spec_.headers;
  request.timeout = spec_.timeout;
  request.insecure = spec_.insecure;
  auto response = http_.send(request);
  if (!response) return error(response.error().message);
  if (response->status < 200 || response->status > 299)
    return error("HTTP " + std::to_string(response->status) + ": " + body_start(response->body));
  return reading_from_json(response->body, pointer);
}

namespace {

struct FileRead {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool abandoned = false;  // the query gave up waiting (its timeout)
  std::string text;
  std::string failure;  // why the read failed, empty when it did not
};

// Reads at most limit + 1 bytes of `path` (one more tells "too large"), never blocking on
// an empty FIFO for longer than until `deadline`.
void read_bounded(const std::string& path, std::size_t limit,
                  std::chrono::steady_clock::time_point deadline, std::string& text,
                  std::string& failure) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    failure = "cannot read " + path + ": " + std::strerror(errno);
    return;
  }
  char chunk[64 * 1024];
  for (;;) {
    const std::size_t want = std::min(sizeof chunk, limit + 1 - text.size());
    const ssize_t n = ::read(fd, chunk, want);
    if (n > 0) {
      text.append(chunk, static_cast<std::size_t>(n));
      if (text.size() > limit) break;
      continue;
    }
    if (n == 0) break;  // end of file (of a FIFO: no writer left)
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      failure = "cannot read " + path + ": " + std::strerror(errno);
      break;
    }
    // A FIFO whose writer has not written (yet): wait for data, not past the deadline.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = "timeout";
      break;
    }
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1'000'000)));
  }
  struct stat st {};
  if (failure.empty() && text.empty() && ::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
    failure = path + " is a FIFO with no writer: nothing to read";
  ::close(fd);
}

}  // namespace

FileSource::FileSource(runbook::FileSourceSpec spec) : spec_(std::move(spec)) {}

Reading FileSource::query(const std::string& pointer) {
  const std::string timed_out =
      "timeout after " + format_duration(spec_.timeout) + " reading " + spec_.path;
  if (stuck_->load() > 0)
    return error("an earlier read of " + spec_.path +
                 " has not returned yet (a hung filesystem?); not reading it again");
  auto job = std::make_shared<FileRead>();
  const auto deadline = std::chrono::steady_clock::now() + spec_.timeout;
  try {
    std::thread([job, path = spec_.path, deadline, stuck = stuck_] {
      std::string text, failure;
      read_bounded(path, kDocumentMax, deadline, text, failure);
      std::lock_guard lock(job->mu);
      job->text = std::move(text);
      job->failure = std::move(failure);
      job->done = true;
      if (job->abandoned) --*stuck;
      job->cv.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    return error("cannot read " + spec_.path + ": no thread for the read: " + e.what());
  }
  std::unique_lock lock(job->mu);
  if (!job->cv.wait_until(lock, deadline + std::chrono::milliseconds(50),
                          [&] { return job->done; })) {
    job->abandoned = true;
    ++*stuck_;
    return error(timed_out);
  }
  if (job->failure == "timeout") return error(timed_out);
  if (!job->failure.empty()) return error(job->failure);
  if (job->text.size() > kDocumentMax) return error(spec_.path + " is larger than 1 MiB");
  if (job->text.empty()) return error(spec_.path + " is empty");
  return reading_from_json(job->text, pointer);
}

ExecSource::ExecSource(runbook::ExecSourceSpec spec) : spec_(std::move(spec)) {}

Reading ExecSource::query(const std::string& pointer) {
  SpawnSpec spec;
  spec.argv = spec_.command;
  spec.env = {{"ROLLOUT_QUERY", pointer}};
  spec.timeout = spec_.timeout;
  spec.split_stderr = true;
  spec.head_bytes = kDocumentMax;  // the document must arrive whole
  spec.tail_bytes = 0;
  auto run = spawn_capture(spec);
  if (!run) return error(run.error().message);
  if (run->timed_out) return error("timeout after " + format_duration(spec_.timeout));
  if (run->cancelled) return error("cancelled");
  if (run->exit_code != 0) {
    const std::string why = run->term_signal
                                ? "killed by signal " + std::to_string(run->term_signal)
                                : "exit " + std::to_string(run->exit_code);
    return error(spec_.command[0] + ": " + why +
                 (run->err.empty() ? "" : ": " + body_start(run->err)));
  }
  if (run->out.size() >= kDocumentMax) return error("output larger than 1 MiB");
  return reading_from_json(run->out, pointer);
}

Result<std::unique_ptr<MetricSource>> make_source(const runbook::HttpJsonSourceSpec& spec,
                                                  const Expander& expander, HttpClient& http) {
  auto resolved = resolve_url_source(spec, expander);
  if (!resolved) return resolved.error();
  return std::unique_ptr<MetricSource>(std::make_unique<HttpJsonSource>(*resolved, http));
}

Result<std::unique_ptr<MetricSource>> make_source(const runbook::FileSourceSpec& spec,
                                                  const Expander& expander, HttpClient&) {
  runbook::FileSourceSpec resolved = spec;
  auto path = expand_at(expander, spec.path, "[metrics." + spec.name + "] path");
  if (!path) return path.error();
  resolved.path = *path;
  if (auto missing = runbook::incomplete(runbook::SourceSpec(resolved)))
    return make_error(*missing);
  return std::unique_ptr<MetricSource>(std::make_unique<FileSource>(resolved));
}

Result<std::unique_ptr<MetricSource>> make_source(const runbook::ExecSourceSpec& spec,
                                                  const Expander& expander, HttpClient&) {
  runbook::ExecSourceSpec resolved = spec;
  auto command = expand_at(expander, spec.command, "[metrics." + spec.name + "] command");
  if (!command) return command.error();
  resolved.command = *command;
  if (auto missing = runbook::incomplete(runbook::SourceSpec(resolved)))
    return make_error(*missing);
  return std::unique_ptr<MetricSource>(std::make_unique<ExecSource>(resolved));
}

}  // namespace rollout::providers
