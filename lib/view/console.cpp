// make_console: which printer a run gets. The live view (view/live_view.*) takes over on
// a TTY; this file only chooses.
#include "view/console.hpp"

#include "view/json_lines.hpp"
#include "view/live_view.hpp"
#include "view/plain_printer.hpp"

namespace rollout {

std::unique_ptr<EventSink> make_console(const ConsoleOptions& options, const runbook::Runbook& book,
                                        std::FILE* out, std::FILE* err) {
  (void)err;
  if (options.json) return std::make_unique<view::JsonLinesPrinter>(out);
  if (options.live && !options.quiet) return make_live_view(options, book, out);
  auto plain = std::make_unique<view::PlainPrinter>(options, out);
  if (options.quiet) return plain;
  return make_live_view(options, book, out, std::move(plain));  // + a summary every report_every
}

}  // namespace rollout
