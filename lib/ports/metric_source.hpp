// A place gate values come from: Prometheus, an HTTP JSON document, a file, a command.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace rollout {

// What one query came back with. The engine turns it into an Outcome: a finite value
// is compared with the gate's threshold; NaN and ±Inf are inconclusive; `empty` follows
// the check's `no_data`; `error` is error. Never does a failure here look like a pass.
struct Reading {
  enum class Kind { value, empty, error };
  Reading() = default;
  Reading(Kind k, double v, std::string d, std::optional<std::string> w = std::nullopt)
      : kind(k), value(v), detail(std::move(d)), word(std::move(w)) {}
  Kind kind = Kind::error;
  double value = 0;
  std::string detail;  // what came back, short: the value's series, or the error text
  // A value that is not a number (a JSON true, false or string): "true", "false" or the
  // string, compared only by a gate's == or != (`value` is unused then).
  std::optional<std::string> word;
};

class MetricSource {
 public:
  virtual ~MetricSource() = default;
  // One instant query, with the source's timeout. Must be safe to call from several
  // threads at once: the gates of one interval are measured concurrently.
  virtual Reading query(const std::string& query) = 0;
};

}  // namespace rollout
