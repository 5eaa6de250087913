// Tolerant JSON field access (json_get.hpp).
#include "core/json_get.hpp"

namespace rollout {

std::string json_string(const nlohmann::json& object, const char* key, const char* fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

}  // namespace rollout
