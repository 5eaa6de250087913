// The JSON lines printer.
#include "view/json_lines.hpp"

namespace rollout::view {

nlohmann::json schema_line() {
  return {{"type", "schema"},
          {"v", kEventSchemaVersion},
          {"name", "rollout-events"},
          {"program", std::string("rollout ") + ROLLOUT_VERSION}};
}

JsonLinesPrinter::JsonLinesPrinter(std::FILE* out) : out_(out) {
  const std::string l = schema_line().dump() + "\n";
  std::fputs(l.c_str(), out_);
  std::fflush(out_);
}

void JsonLinesPrinter::on_event(const Event& event) {
  const std::string l =
      to_json(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fputs(l.c_str(), out_);
  std::fflush(out_);
}

}  // namespace rollout::view
