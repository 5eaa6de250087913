// Gate outcomes and their consecutive counters.
#include "engine/gate_eval.hpp"

#include <cmath>

#include <fmt/format.h>

namespace rollout::engine {

bool compare(double value, runbook::CompareOp op, double threshold) {
  switch (op) {
    case runbook::CompareOp::lt:
      return value < threshold;
    case runbook::CompareOp::le:
      return value <= threshold;
    case runbook::CompareOp::gt:
      return value > threshold;
    case runbook::CompareOp::ge:
      return value >= threshold;
  }
  return false;
}

std::optional<std::string> impossible_value(double value, runbook::Unit unit) {
  switch (unit) {
    case runbook::Unit::ratio:
      if (value < 0 || value > 1)
        return fmt::format("impossible value {}: a ratio is between 0 and 1 (0-100%)", value);
      break;
    case runbook::Unit::seconds:
      if (value < 0)
        return fmt::format("impossible value {}: a duration cannot be negative", value);
      break;
    case runbook::Unit::bytes:
      if (value < 0) return fmt::format("impossible value {}: a size cannot be negative", value);
      break;
    case runbook::Unit::count:
      if (value < 0) return fmt::format("impossible value {}: a count cannot be negative", value);
      break;
  }
  return std::nullopt;
}

Outcome evaluate(const Reading& reading, const runbook::Gate& gate, const runbook::Check& check,
                 const std::optional<Reading>& samples, std::string* why) {
  switch (reading.kind) {
    case Reading::Kind::error:
      return Outcome::error;
    case Reading::Kind::empty:
      return check.no_data;
    case Reading::Kind::value:
      break;
  }
  if (!std::isfinite(reading.value)) return Outcome::inconclusive;
  if (auto impossible = impossible_value(reading.value, check.unit)) {
    if (why) *why = *impossible;
    return Outcome::error;
  }
  if (!check.samples_query.empty() && check.min_samples > 0) {
    if (!samples || samples->kind == Reading::Kind::error) return Outcome::error;
    if (samples->kind == Reading::Kind::empty || !std::isfinite(samples->value) ||
        samples->value < check.min_samples)
      return Outcome::inconclusive;
  }
  return compare(reading.value, gate.op, gate.threshold) ? Outcome::pass : Outcome::fail;
}

void GateTracker::record(Outcome outcome, Duration now, const runbook::Gate& gate) {
  latest_ = outcome;
  switch (outcome) {
    case Outcome::pass:
      fails_ = inconclusives_ = errors_ = 0;
      failing_since_.reset();
      episode_ = false;
      break;
    case Outcome::fail:
      inconclusives_ = errors_ = 0;
      if (!failing_since_) failing_since_ = now;
      if (!gate.sustain || now - *failing_since_ >= *gate.sustain) ++fails_;
      break;
    case Outcome::inconclusive:
      errors_ = 0;
      ++inconclusives_;
      break;
    case Outcome::error:
      inconclusives_ = 0;
      ++errors_;
      break;
  }
}

std::optional<GateTracker::Breach> GateTracker::breached(const runbook::Stage& stage) const {
  if (!latest_ || episode_) return std::nullopt;
  if (*latest_ == Outcome::fail && fails_ >= std::max(1, stage.failure_limit))
    return Breach{events::BreachCounter::failure, stage.failure_limit};
  if (*latest_ == Outcome::inconclusive && inconclusives_ >= std::max(1, stage.inconclusive_limit))
    return Breach{events::BreachCounter::inconclusive, stage.inconclusive_limit};
  if (*latest_ == Outcome::error && errors_ >= std::max(1, stage.error_limit))
    return Breach{events::BreachCounter::error, stage.error_limit};
  return std::nullopt;
}

}  // namespace rollout::engine
