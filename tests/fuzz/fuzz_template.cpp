// libFuzzer target: the ${...} template expander. Input: the template on the first line,
// then `NAME=VALUE` lines that become [vars] (values may hold templates themselves).
#include <cstddef>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>

#include "core/template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::string raw, line;
  std::getline(in, raw);
  std::map<std::string, std::string> vars;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) vars[line.substr(0, eq)] = line.substr(eq + 1);
  }
  rollout::Expander ex(vars, [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME" || name == "TOKEN") return "value-of-" + name;
    return std::nullopt;
  });
  (void)ex.expand(raw);
  (void)ex.with("weight.canary", "10").with("stage.name", "ramp").expand(raw);
  (void)rollout::template_refs(raw);
  for (const auto& [k, v] : vars) (void)rollout::template_refs(v);
  return 0;
}
