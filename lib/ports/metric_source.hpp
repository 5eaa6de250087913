// A place gate values come from: Prometheus, an HTTP JSON document, a file, a command.
#pragma once

#include <string>

namespace rollout {

// What one query came back with. The engine turns it into an Outcome: a finite value
// is compared with the gate's threshold; NaN and ±Inf are inconclusive; `empty` follows
// the check's `no_data`; `error` is error. Never does a failure here look like a pass.
struct Reading {
  enum class Kind { value, empty, error };
  Kind kind = Kind::error;
  double value = 0;
  std::string detail;  // what came back, short: the value's series, or the error text
};

class MetricSource {
 public:
  virtual ~MetricSource() = default;
  // One instant query, with the source's timeout. Must be safe to call from several
  // threads at once: the gates of one interval are measured concurrently.
  virtual Reading query(const std::string& query) = 0;
};

}  // namespace rollout
