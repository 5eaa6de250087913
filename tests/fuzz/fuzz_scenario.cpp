// libFuzzer target: the dry-run scenario loader (parse_scenario on a string).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rehearsal/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)rollout::rehearsal::parse_scenario(text, "fuzz-scenario.toml");
  return 0;
}
