// What one measurement (gate, health poll) came to. The engine sees only these.
#pragma once

#include <optional>
#include <string_view>

namespace rollout {

enum class Outcome { pass, fail, inconclusive, error };

constexpr std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::pass:
      return "pass";
    case Outcome::fail:
      return "fail";
    case Outcome::inconclusive:
      return "inconclusive";
    case Outcome::error:
      return "error";
  }
  return "error";
}

inline std::optional<Outcome> outcome_from_string(std::string_view s) {
  if (s == "pass") return Outcome::pass;
  if (s == "fail") return Outcome::fail;
  if (s == "inconclusive") return Outcome::inconclusive;
  if (s == "error") return Outcome::error;
  return std::nullopt;
}

}  // namespace rollout
