// Reading a field of an event's JSON data that may be missing or of another type (a journal
// is read, not trusted).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace rollout {

// The string at `key` of `object`, or `fallback` when `object` is not an object, has no
// such key, or holds something other than a string there.
std::string json_string(const nlohmann::json& object, const char* key, const char* fallback = "");

}  // namespace rollout
