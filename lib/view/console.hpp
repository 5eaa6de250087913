// What the operator sees while a rollout runs: on a TTY a live view redrawn in place;
// without one, plain event lines plus a summary every report_every; with --output json,
// one JSON event a line on stdout (the first line names the schema version). An output
// that went away (a closed pipe or terminal: EPIPE, EIO) stops the output, never the run.
#pragma once

#include <cstdio>
#include <memory>
#include <string_view>

#include "events/event.hpp"
#include "runbook/model.hpp"

namespace rollout {

struct ConsoleOptions {
  bool json = false;   // --output json
  bool color = false;  // a TTY, and neither NO_COLOR nor --no-color
  bool live = false;   // stdout is a TTY: redraw in place
  bool quiet = false;
  int verbose = 0;
  int width = 80;  // terminal columns
};

std::unique_ptr<EventSink> make_console(const ConsoleOptions& options, const runbook::Runbook& book,
                                        std::FILE* out, std::FILE* err);

// Writes `text` to `out` and flushes; never throws (fmt::print does on a failed write).
// When the write fails the stream is pointed at /dev/null: later writes cost nothing.
// False when the output is gone.
bool say(std::FILE* out, std::string_view text) noexcept;

}  // namespace rollout
