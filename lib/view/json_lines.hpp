// --output json: one JSON object a line on stdout. The first line names the schema
// ({"type":"schema","v":1,...}), then every event as the journal has it.
#pragma once

#include <cstdio>

#include "events/event.hpp"

namespace rollout::view {

class JsonLinesPrinter : public EventSink {
 public:
  explicit JsonLinesPrinter(std::FILE* out);
  void on_event(const Event& event) override;

 private:
  std::FILE* out_;
};

nlohmann::json schema_line();

}  // namespace rollout::view
