// libFuzzer target: reading a Prometheus /api/v1/query answer. The first two bytes pick
// the HTTP status (so 2xx and errors are both covered), the rest is the body.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "providers/sources.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const long status = 100 + (data[0] | (data[1] << 8)) % 500;
  const std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
  const auto r = rollout::providers::reading_from_prometheus(status, body);
  // A reading that is not a value carries no number; an error always says why.
  if (r.kind == rollout::Reading::Kind::error && r.detail.empty()) __builtin_trap();
  return 0;
}
