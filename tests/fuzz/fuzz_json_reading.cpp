// libFuzzer target: a gate value out of a JSON document (http-json, file, exec sources).
// Input: the JSON pointer on the first line, the document after it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "providers/json_reading.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  const auto nl = in.find('\n');
  const std::string pointer = nl == std::string::npos ? in : in.substr(0, nl);
  const std::string document = nl == std::string::npos ? std::string() : in.substr(nl + 1);
  const auto r = rollout::providers::reading_from_json(document, pointer);
  if (r.kind == rollout::Reading::Kind::error && r.detail.empty()) __builtin_trap();
  return 0;
}
