// Secrets (values read through ${env.X}) are replaced by "***" wherever rollout prints
// or stores text: terminal, JSON events, journal, reports. The engine redacts each event
// once, before any subscriber sees it.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rollout {

class Secrets {
 public:
  // Remembers a value to hide, whatever its length (a very short one also hides ordinary
  // text that happens to match; `validate` warns about those). An empty value is ignored.
  void add(std::string value);
  std::string redact(std::string_view text) const;
  // Without these, a std::string or literal argument is ambiguous (json converts from both).
  std::string redact(const std::string& text) const { return redact(std::string_view(text)); }
  std::string redact(const char* text) const { return redact(std::string_view(text)); }
  nlohmann::json redact(const nlohmann::json& value) const;  // every string inside
  bool empty() const;
  // The length of the longest secret: text cut to N bytes is redacted first, with this
  // many bytes more, so a secret straddling the cut cannot leak its first characters.
  std::size_t longest() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> values_;  // longest first, so a secret inside another is hidden whole
};

// The process-wide set; thread-safe.
Secrets& secrets();

}  // namespace rollout
