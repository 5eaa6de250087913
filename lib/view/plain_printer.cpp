// The plain line printer.
#include "view/plain_printer.hpp"

#include <fmt/format.h>

#include "core/duration.hpp"
#include "view/text.hpp"

namespace rollout::view {

namespace {

bool important(EventType t) {
  switch (t) {
    case EventType::breach:
    case EventType::rollback_started:
    case EventType::rollback_step:
    case EventType::rollback_finished:
    case EventType::awaiting_approval:
    case EventType::paused:
    case EventType::interrupted:
    case EventType::abort_requested:
    case EventType::warning:
    case EventType::process_exited:
    case EventType::finished:
      return true;
    default:
      return false;
  }
}

std::string elapsed(std::int64_t t_ms) {
  // Whole seconds are enough on a line; the journal keeps milliseconds.
  return format_duration(Duration((t_ms / 1000) * 1000));
}

}  // namespace

PlainPrinter::PlainPrinter(const ConsoleOptions& options, std::FILE* out)
    : opts_(options), out_(out) {}

std::string PlainPrinter::line(const Event& e) const {
  if (opts_.quiet && !important(e.type)) return "";
  if (const auto* g = e.as<events::GateMeasured>();
      g && opts_.verbose == 0 && g->outcome == Outcome::pass)
    return "";
  if ((e.type == EventType::step_started || e.type == EventType::hold_started) &&
      opts_.verbose == 0 && opts_.quiet)
    return "";
  const char* mark = "";
  if (opts_.color) {
    if (e.type == EventType::breach || e.type == EventType::rollback_started)
      mark = "\x1b[31m";
    else if (e.type == EventType::finished)
      mark = "\x1b[1m";
  }
  const std::string stage = e.stage.empty() ? "" : "[" + e.stage + "] ";
  return fmt::format("{:>9} {}{}{}{}", "+" + elapsed(e.t_ms), stage, mark, e.summary,
                     *mark ? "\x1b[0m" : "");
}

void PlainPrinter::on_event(const Event& e) {
  const std::string l = line(e);
  if (l.empty()) return;
  std::fputs(l.c_str(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace rollout::view
