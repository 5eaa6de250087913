// Secrets (values read through ${env.X}) are replaced by "***" wherever rollout prints
// or stores text: terminal, JSON events, journal, reports. The engine redacts each event
// once, before any subscriber sees it.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rollout {

class Secrets {
 public:
  // Remembers a value to hide (values shorter than 4 characters are not hidden: they
  // would turn ordinary text into asterisks and are no secret anyway).
  void add(std::string value);
  std::string redact(std::string_view text) const;
  nlohmann::json redact(const nlohmann::json& value) const;  // every string inside
  bool empty() const;
};

// The process-wide set; thread-safe.
Secrets& secrets();

}  // namespace rollout
