// The live view redraws in place (cursor back up over the last picture) and, without a
// TTY, prints a summary line every report_every of the rollout's clock (none in a dry run).
#include "view/live_view.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "report/sample_journals.hpp"

using namespace rollout;
using namespace rollout::testing;

namespace {

struct Capture {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* file = open_memstream(&buf, &size);
  ~Capture() {
    if (file) std::fclose(file);
    std::free(buf);
  }
  std::string text() {
    std::fflush(file);
    return std::string(buf, size);
  }
};

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("on a TTY each picture replaces the last one") {
  Capture out;
  LiveViewOptions o;
  o.tty = true;
  o.width = 80;
  o.height = 40;
  o.ticker = false;
  o.redraw_every = std::chrono::milliseconds(0);  // draw on every event
  auto events = rollback_after_breach();
  {
    LiveView view(o, out.file);
    view.on_event(events[0]);
    std::string first = out.text();
    CHECK(first.find("\x1b[?25l") != std::string::npos);  // cursor hidden while drawing
    int lines = count(first, "\n");
    REQUIRE(lines > 0);
    view.on_event(events[1]);
    std::string second = out.text().substr(first.size());
    // Back up over exactly the lines drawn before, then draw over them.
    CHECK(second.rfind(fmt::format("\x1b[{}A\r", lines), 0) == 0);
    for (std::size_t i = 2; i < events.size(); ++i) view.on_event(events[i]);
    view.stop();
  }
  std::string all = out.text();
  CHECK(all.find("\x1b[?25h") != std::string::npos);  // cursor shown again
  CHECK(all.find("rolled back") != std::string::npos);
}

TEST_CASE("without a TTY a summary line comes every report_every of the rollout's time") {
  Capture out;
  LiveViewOptions o;
  o.tty = false;
  o.ticker = false;
  o.report_every = std::chrono::minutes(5);
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 3'600'000);
  for (int i = 1; i <= 12; ++i) j.measure("canary", 1000 + i * 60'000, 0.002, "pass");
  {
    LiveView view(o, out.file);
    for (const auto& e : j.events()) view.on_event(e);
  }
  std::string text = out.text();
  INFO(text);
  CHECK(count(text, "\n") == 2);  // at 5 and 10 minutes of the 12
  CHECK(text.find("   +5m01s [canary] summary: analyzer stage 1/3, canary 1%, holding 5m of 1h "
                  "(55m left)") != std::string::npos);
  CHECK(text.find("at least 1h15m to go") != std::string::npos);
  CHECK(text.find("error_rate 0.2% (pass)") != std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("a dry run prints no summary lines however much virtual time passes") {
  // The analyzer runbook's 54h of holds rehearsed in seconds once printed ~650 of them.
  for (bool dry_run : {false, true}) {
    Capture out;
    LiveViewOptions o;
    o.tty = false;
    o.ticker = false;
    o.report_every = std::chrono::minutes(5);
    JournalBuilder j;
    j.start(dry_run).stage(0, "canary", 1, 1000, 7'200'000);
    for (int i = 1; i <= 120; ++i) j.measure("canary", 1000 + i * 60'000, 0.002, "pass");
    j.add(EventType::stage_completed, 7'201'200, "canary", "stage canary passed",
          {{"duration_ms", 7'200'200}, {"measurements", 120}});
    j.add(EventType::finished, 7'201'300, "", "completed",
          {{"outcome", "completed"}, {"exit_code", 0}, {"reason", ""}});
    {
      LiveView view(o, out.file);
      for (const auto& e : j.events()) view.on_event(e);
      view.stop();
    }
    std::string text = out.text();
    INFO("dry_run = " << dry_run << "\n" << text);
    // The same two hours of events: a summary every 5 minutes for real (24 in 2h), none
    // rehearsed.
    CHECK(count(text, "summary:") == (dry_run ? 0 : 24));
  }
}

TEST_CASE("the ticker thread starts and stops cleanly") {
  Capture out;
  LiveViewOptions o;
  o.tty = true;
  o.width = 80;
  o.height = 30;
  o.redraw_every = std::chrono::milliseconds(5);
  LiveView view(o, out.file);
  for (const auto& e : promotion()) view.on_event(e);
  view.stop();
  view.stop();  // idempotent
  CHECK(out.text().find("completed") != std::string::npos);
}
