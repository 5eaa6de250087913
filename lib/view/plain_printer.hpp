// Plain event lines for a terminal without the live view, or a log: one line an event,
// "+ELAPSED [stage] summary". Gate measurements that pass are shown only with -v.
#pragma once

#include <cstdio>

#include "events/event.hpp"
#include "view/console.hpp"

namespace rollout::view {

class PlainPrinter : public EventSink {
 public:
  PlainPrinter(const ConsoleOptions& options, std::FILE* out);
  void on_event(const Event& event) override;
  // The line for an event, or "" when it is not shown at this verbosity.
  std::string line(const Event& event) const;

 private:
  ConsoleOptions opts_;
  std::FILE* out_;
};

}  // namespace rollout::view
