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
  if (e.type == EventType::gate_measured && opts_.verbose == 0 &&
      e.data.value("outcome", std::string()) == "pass")
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
  const std::string text = e.type == EventType::gate_measured
                               ? gate_summary(e.data.value("check", std::string()), e.summary)
                               : e.summary;
  return fmt::format("{:>9} {}{}{}{}", "+" + elapsed(e.t_ms), stage, mark, text,
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
