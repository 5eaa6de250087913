// libFuzzer target: the runbook loader and validator (parse_runbook on a string), and the
// plan of a runbook it accepts. Inputs over 1 MiB are skipped: the loader refuses them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runbook/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  rollout::runbook::LoadOptions options;
  // A fixed environment: the fuzzer must not depend on (or leak) the real one.
  options.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "TOKEN") return std::string("s3cret-token");
    return std::nullopt;
  };
  const auto loaded = rollout::runbook::parse_runbook(text, "fuzz.toml", options);
  for (const auto& d : loaded.diagnostics) (void)d.str();
  if (loaded.ok()) (void)rollout::runbook::make_expander(*loaded.runbook, options.env);
  return 0;
}
