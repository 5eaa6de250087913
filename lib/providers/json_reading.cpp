// Reading one value out of a JSON document with an RFC 6901 pointer: a number, or a
// word (true, false, a string).
#include "providers/json_reading.hpp"

#include <nlohmann/json.hpp>

#include "providers/curl_http_client.hpp"

namespace rollout::providers {

namespace {
Reading error(std::string detail) {
  return Reading{Reading::Kind::error, 0, std::move(detail)};
}
Reading empty(std::string detail) {
  return Reading{Reading::Kind::empty, 0, std::move(detail)};
}
}  // namespace

Reading reading_from_json(const std::string& document, const std::string& pointer) {
  nlohmann::json doc = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return error("not a JSON document: " + body_start(document, 120));
  nlohmann::json::json_pointer ptr;
  try {
    ptr = nlohmann::json::json_pointer(pointer);
  } catch (const nlohmann::json::exception&) {
    return error("bad JSON pointer \"" + pointer + "\" (it must start with '/')");
  }
  const nlohmann::json* node = nullptr;
  try {
    if (doc.contains(ptr)) node = &doc.at(ptr);
  } catch (const nlohmann::json::exception&) {
    node = nullptr;  // e.g. "/items/x" into an array: no such value
  }
  const std::string where = pointer.empty() ? "the document" : pointer;
  if (!node) return empty("no value at " + where);
  if (node->is_null()) return empty("null at " + where);
  // true, false and strings are words: a gate's == or != compares them, any other gate
  // calls them an error (engine/gate_eval.cpp).
  if (node->is_boolean())
    return Reading{Reading::Kind::value, 0, where + " = " + node->dump(),
                   node->get<bool>() ? "true" : "false"};
  if (node->is_string())
    return Reading{Reading::Kind::value, 0, where + " = " + body_start(node->dump(), 80),
                   node->get<std::string>()};
  if (!node->is_number()) return error(where + " is not a number: " + body_start(node->dump(), 80));
  const double v = node->get<double>();
  return Reading{Reading::Kind::value, v, where + " = " + node->dump()};
}

}  // namespace rollout::providers
