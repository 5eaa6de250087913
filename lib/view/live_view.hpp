// The live view: on a TTY, the Snapshot redrawn in place (a few times a second at most,
// and by a ticker thread while the engine sleeps, so the countdown moves); without a TTY,
// a one-line summary every rollout.report_every next to the plain event lines.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/duration.hpp"
#include "events/event.hpp"
#include "view/console.hpp"
#include "view/snapshot.hpp"

namespace rollout {

struct LiveViewOptions {
  bool tty = true;     // redraw in place; false: a summary line every report_every
                       // (none in a dry run: its virtual clock would flood the log)
  bool color = false;  // ANSI colours (the caller has ruled out NO_COLOR and --no-color)
  int width = 0;       // 0: ask the terminal each redraw (follows resizes), else fixed
  int height = 0;      // 0: ask the terminal; the picture never scrolls the screen
  Duration report_every = std::chrono::minutes(5);
  Duration redraw_every = std::chrono::milliseconds(250);  // at most 4 redraws a second
  bool ticker = true;  // redraw/summarise while no event comes (tests turn it off)
};

class LiveView : public EventSink {
 public:
  // `inner`, if any, hears every event first (without a TTY: the plain event lines, so a
  // summary line never lands in the middle of one).
  LiveView(LiveViewOptions options, std::FILE* out, std::unique_ptr<EventSink> inner = nullptr);
  ~LiveView() override;  // stops the ticker; the last picture stays on screen
  LiveView(const LiveView&) = delete;
  LiveView& operator=(const LiveView&) = delete;

  void on_event(const Event& event) override;
  // Stops the ticker thread and draws the final picture; idempotent.
  void stop();
  // The one-line summary printed without a TTY (also useful in logs).
  std::string summary_line() const;

 private:
  void tick_loop();
  void draw_locked();
  void maybe_summarise_locked(bool from_ticker);
  std::int64_t engine_t_locked() const;
  std::string summary_line_at(std::int64_t t) const;

  LiveViewOptions opts_;
  std::FILE* out_;
  std::unique_ptr<EventSink> inner_;
  Snapshot snapshot_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::thread ticker_;
  bool stopping_ = false;
  bool stopped_ = false;
  bool finished_ = false;
  bool dirty_ = false;
  bool dry_run_ = false;
  bool cursor_hidden_ = false;
  int drawn_lines_ = 0;
  int last_cols_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
  std::int64_t last_summary_t_ms_ = -1;
  std::int64_t last_t_ms_ = 0;
  std::chrono::system_clock::time_point last_time_{};
};

// The console the CLI gets for a TTY (options.live: redrawn in place), or without one
// `inner` (the plain event lines) plus a summary line every rollout.report_every.
std::unique_ptr<LiveView> make_live_view(const ConsoleOptions& options,
                                         const runbook::Runbook& book, std::FILE* out,
                                         std::unique_ptr<EventSink> inner = nullptr);

}  // namespace rollout
