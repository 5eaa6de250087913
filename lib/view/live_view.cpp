// The live view (live_view.hpp): redraws in place with ANSI cursor movement, from the
// engine's thread on events and from a small ticker thread in between; one mutex guards
// the snapshot and the terminal.
#include "view/live_view.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "view/text.hpp"

namespace rollout {

namespace {

struct TermSize {
  int cols = 0;
  int rows = 0;
};

TermSize terminal_size(std::FILE* out) {
  TermSize size;
  winsize ws{};
  if (::ioctl(fileno(out), TIOCGWINSZ, &ws) == 0) {
    size.cols = ws.ws_col;
    size.rows = ws.ws_row;
  }
  if (size.cols <= 0)
    if (const char* c = std::getenv("COLUMNS")) size.cols = std::atoi(c);
  if (size.rows <= 0)
    if (const char* r = std::getenv("LINES")) size.rows = std::atoi(r);
  if (size.cols <= 0) size.cols = 80;
  if (size.rows <= 0) size.rows = 24;
  return size;
}

// Events worth showing at once, whatever the redraw rate.
bool urgent(EventType t) {
  switch (t) {
    case EventType::breach:
    case EventType::rollback_started:
    case EventType::rollback_finished:
    case EventType::paused:
    case EventType::awaiting_approval:
    case EventType::abort_requested:
    case EventType::interrupted:
    case EventType::finished:
      return true;
    default:
      return false;
  }
}

void write_all(std::FILE* out, const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}

}  // namespace

LiveView::LiveView(LiveViewOptions options, std::FILE* out, std::unique_ptr<EventSink> inner)
    : opts_(options), out_(out), inner_(std::move(inner)) {
  if (opts_.ticker) ticker_ = std::thread([this] { tick_loop(); });
}

LiveView::~LiveView() {
  stop();
}

void LiveView::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  std::lock_guard lock(mu_);
  stopped_ = true;
  if (opts_.tty) {
    if (dirty_ && drawn_lines_ >= 0) draw_locked();
    if (cursor_hidden_) write_all(out_, "\x1b[?25h");
    cursor_hidden_ = false;
  }
}

void LiveView::on_event(const Event& event) {
  std::lock_guard lock(mu_);
  if (inner_) inner_->on_event(event);
  snapshot_.on_event(event);
  last_t_ms_ = event.t_ms;
  last_time_ = event.time;
  if (const auto* started = event.as<events::RolloutStarted>()) dry_run_ = started->dry_run;
  if (event.type == EventType::finished) finished_ = true;
  if (!opts_.tty) {
    maybe_summarise_locked(false);
    return;
  }
  dirty_ = true;
  const auto now = std::chrono::steady_clock::now();
  if (urgent(event.type) || now - last_draw_ >= opts_.redraw_every) draw_locked();
}

std::int64_t LiveView::engine_t_locked() const {
  if (dry_run_ || finished_) return last_t_ms_;
  auto since = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now() - last_time_)
                   .count();
  return last_t_ms_ + std::max<std::int64_t>(0, since);
}

void LiveView::maybe_summarise_locked(bool from_ticker) {
  if (finished_) return;  // the plain lines already say how it ended
  // A dry run races through its virtual hours in seconds: a summary per report_every of
  // virtual time would bury the event lines (a 54h runbook printed ~650 of them), and the
  // plain lines already show every stage, so a dry run gets none.
  if (dry_run_) return;
  // On an event the engine's own clock is exact; between events (the ticker) it is
  // extrapolated with the wall clock.
  const std::int64_t t = from_ticker ? engine_t_locked() : last_t_ms_;
  if (last_summary_t_ms_ < 0) {
    last_summary_t_ms_ = t;  // the first summary comes one period after the start
    return;
  }
  if (t - last_summary_t_ms_ < opts_.report_every.count()) return;
  last_summary_t_ms_ = t;
  write_all(out_, summary_line_at(t) + "\n");
}

void LiveView::draw_locked() {
  TermSize size = terminal_size(out_);
  if (opts_.width > 0) size.cols = opts_.width;
  if (opts_.height > 0) size.rows = opts_.height;
  SnapshotOptions so;
  // One column spare: a line that fills the last column leaves some terminals in a
  // pending wrap, and the cursor movement that follows would be off by one.
  so.width = std::max(20, size.cols - 1);
  so.color = opts_.color;
  so.now = std::chrono::system_clock::now();
  std::string picture = snapshot_.render(so);

  std::vector<std::string> lines;
  for (std::size_t at = 0; at < picture.size();) {
    std::size_t nl = picture.find('\n', at);
    if (nl == std::string::npos) nl = picture.size();
    lines.push_back(picture.substr(at, nl - at));
    at = nl + 1;
  }
  // Never taller than the screen, or the top would scroll away and the cursor could not
  // get back to it: the last lines (the commands that act) are kept, the middle cut.
  const std::size_t max_lines = static_cast<std::size_t>(std::max(3, size.rows - 1));
  if (lines.size() > max_lines) {
    std::vector<std::string> cut(lines.begin(), lines.begin() + static_cast<long>(max_lines - 2));
    cut.push_back(lines[lines.size() - 2]);
    cut.push_back(lines.back());
    lines = std::move(cut);
  }

  std::string buf;
  if (!cursor_hidden_) {
    buf += "\x1b[?25l";
    cursor_hidden_ = true;
  }
  if (drawn_lines_ > 0 && last_cols_ != 0 && size.cols < last_cols_) {
    // Narrower than before: the old lines have wrapped into more rows than were counted,
    // so going back up would land in the wrong place. Start again at the top.
    buf += "\x1b[H\x1b[2J";
  } else if (drawn_lines_ > 0) {
    buf += fmt::format("\x1b[{}A\r", drawn_lines_);
  }
  last_cols_ = size.cols;
  for (const auto& l : lines) buf += l + "\x1b[K\n";
  buf += "\x1b[J";  // the old picture may have been taller
  if (finished_ && stopping_) {
    buf += "\x1b[?25h";
    cursor_hidden_ = false;
  }
  write_all(out_, buf);
  drawn_lines_ = static_cast<int>(lines.size());
  last_draw_ = std::chrono::steady_clock::now();
  dirty_ = false;
}

void LiveView::tick_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto period = opts_.tty ? opts_.redraw_every
                                  : std::chrono::duration_cast<Duration>(std::chrono::seconds(1));
    cv_.wait_for(lock, period, [this] { return stopping_; });
    if (stopping_) break;
    if (opts_.tty) {
      // Redraw when an event came in since, and once a second anyway so the hold's
      // countdown and the ETA move while the engine sleeps between measurements.
      if (drawn_lines_ == 0 && !dirty_) continue;
      if (dirty_ || std::chrono::steady_clock::now() - last_draw_ >= std::chrono::seconds(1))
        if (!finished_ || dirty_) draw_locked();
    } else {
      maybe_summarise_locked(true);
    }
  }
}

std::string LiveView::summary_line() const {
  std::lock_guard lock(mu_);
  return summary_line_at(engine_t_locked());
}

std::string LiveView::summary_line_at(std::int64_t t) const {
  nlohmann::json j = snapshot_.to_json();
  // to_json() extrapolates the engine's clock to now; the summary is for time `t`: the
  // hold's end (end_t_ms) is fixed, so what is left is counted from there.
  std::int64_t left = -1, ahead = 0;
  if (j.contains("hold")) {
    const auto& h = j["hold"];
    left = std::clamp<std::int64_t>(h.value("end_t_ms", t) - t, 0,
                                    h.value("hold_ms", std::int64_t{0}));
    ahead = left - h.value("remaining_ms", std::int64_t{0});
  }
  // Shaped like the plain event lines ("+ELAPSED [stage] ..."), so a log reads as one.
  const std::string stage = j["stage"].is_string() ? j["stage"].get<std::string>() : "";
  std::string line =
      fmt::format("{:>9} {}summary: {}", "+" + view::human_duration(t),
                  stage.empty() ? "" : "[" + stage + "] ", j.value("name", std::string("?")));
  if (!stage.empty()) {
    const int total = static_cast<int>(j["stages"].size());
    const int weight = j["weights"].value("canary", 0);
    if (j["stage_index"].is_number())
      line +=
          fmt::format(" stage {}/{}, canary {}%", j["stage_index"].get<int>() + 1, total, weight);
    else
      line += fmt::format(" canary {}%", weight);
  }
  line += ", " + j.value("phase", std::string("running"));
  if (j.contains("hold")) {
    const auto& h = j["hold"];
    const std::int64_t hold = h.value("hold_ms", std::int64_t{0});
    line += fmt::format(" {} of {} ({} left)", view::human_duration(hold - left),
                        view::human_duration(hold), view::human_duration(left));
  }
  std::string gates;
  for (const auto& g : j["gates"]) {
    gates += gates.empty() ? "" : ", ";
    gates += fmt::format("{} {} ({})", g.value("check", std::string()),
                         format_measurement(g["value"], g.value("unit", std::string())),
                         g.value("outcome", std::string()));
  }
  if (!gates.empty()) line += "; " + gates;
  if (j.contains("remaining_ms"))
    line +=
        fmt::format("; at least {} to go", view::human_duration(std::max<std::int64_t>(
                                               0, j["remaining_ms"].get<std::int64_t>() + ahead)));
  return line;
}

std::unique_ptr<LiveView> make_live_view(const ConsoleOptions& options,
                                         const runbook::Runbook& book, std::FILE* out,
                                         std::unique_ptr<EventSink> inner) {
  LiveViewOptions lo;
  lo.tty = options.live;
  lo.color = options.color;
  lo.report_every = book.rollout.report_every;
  return std::make_unique<LiveView>(lo, out, std::move(inner));
}

}  // namespace rollout
