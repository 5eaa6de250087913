// make_console: which printer a run gets. The live view (view/live_view.*) takes over on
// a TTY; this file chooses, and guards the output: a reader or terminal that went away
// must stop the output, never the rollout.
#include "view/console.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "view/json_lines.hpp"
#include "view/live_view.hpp"
#include "view/plain_printer.hpp"

namespace rollout {

namespace {

// Points the stream's descriptor at /dev/null once a write to it failed (EPIPE, EIO): the
// live view's ticker and every later line then write nowhere instead of failing.
void silence(std::FILE* out) noexcept {
  const int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::dup2(fd, ::fileno(out));
    ::close(fd);
  }
  std::clearerr(out);
}

// Forwards events to a printer until its output is gone; nothing it throws escapes.
class GuardedConsole : public EventSink {
 public:
  GuardedConsole(std::unique_ptr<EventSink> inner, std::FILE* out)
      : inner_(std::move(inner)), out_(out) {}
  ~GuardedConsole() override {
    try {
      inner_.reset();  // a live view draws its last frame here
    } catch (...) {
    }
    if (!gone_ && std::ferror(out_)) silence(out_);
  }
  void on_event(const Event& event) override {
    if (gone_) return;
    try {
      inner_->on_event(event);
    } catch (...) {
      gone_ = true;
    }
    if (std::ferror(out_)) gone_ = true;
    if (gone_) silence(out_);
  }

 private:
  std::unique_ptr<EventSink> inner_;
  std::FILE* out_;
  bool gone_ = false;
};

std::unique_ptr<EventSink> choose(const ConsoleOptions& options, const runbook::Runbook& book,
                                  std::FILE* out) {
  if (options.json) return std::make_unique<view::JsonLinesPrinter>(out);
  if (options.live && !options.quiet) return make_live_view(options, book, out);
  auto plain = std::make_unique<view::PlainPrinter>(options, out);
  if (options.quiet) return plain;
  return make_live_view(options, book, out, std::move(plain));  // + a summary every report_every
}

}  // namespace

bool say(std::FILE* out, std::string_view text) noexcept {
  if (std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0)
    return true;
  silence(out);
  return false;
}

std::unique_ptr<EventSink> make_console(const ConsoleOptions& options, const runbook::Runbook& book,
                                        std::FILE* out, std::FILE* err) {
  (void)err;
  return std::make_unique<GuardedConsole>(choose(options, book, out), out);
}

}  // namespace rollout
