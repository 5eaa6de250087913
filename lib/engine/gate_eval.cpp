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
    case runbook::CompareOp::eq:
      return value == threshold;
    case runbook::CompareOp::ne:
      return value != threshold;
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
  // A word (true, false, a string) is compared only with a word: anything else means the
  // check reads something other than what the gate expects, an error, never a verdict.
  if (gate.word || reading.word) {
    if (!gate.word || !reading.word) {
      if (why)
        *why = gate.word ? fmt::format("expected {}, got a number", *gate.word)
                         : fmt::format("not a number: {}", *reading.word);
      return Outcome::error;
    }
    const bool same = *gate.word == *reading.word;
    return same == (gate.op == runbook::CompareOp::eq) ? Outcome::pass : Outcome::fail;
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
      c_.fails = c_.inconclusives = c_.errors = 0;
      ++c_.successes;
      ++c_.passes;
      failing_since_.reset();
      episode_ = false;
      break;
    case Outcome::fail:
      c_.inconclusives = c_.errors = c_.successes = 0;
      if (!failing_since_) failing_since_ = now;
      if (!gate.sustain || now - *failing_since_ >= *gate.sustain) {
        ++c_.fails;
        ++c_.total_fails;
      }
      break;
    case Outcome::inconclusive:
      c_.errors = c_.successes = 0;
      ++c_.inconclusives;
      ++c_.total_inconclusives;
      break;
    case Outcome::error:
      c_.inconclusives = c_.successes = 0;
      ++c_.errors;
      ++c_.total_errors;
      break;
  }
}

void GateTracker::restore(const Counts& counts, std::optional<Outcome> latest) {
  c_ = counts;
  latest_ = latest;
}

namespace {

// `count` reached `limit` (in a row) or `budget` (in all; 0: none)?
std::optional<GateTracker::Breach> reached(events::BreachCounter in_a_row,
                                           events::BreachCounter in_all, int count, int limit,
                                           int total, int budget) {
  if (count >= std::max(1, limit)) return GateTracker::Breach{in_a_row, std::max(1, limit), true};
  if (budget > 0 && total >= budget) return GateTracker::Breach{in_all, budget, false};
  return std::nullopt;
}

}  // namespace

std::optional<GateTracker::Breach> GateTracker::breached(const runbook::GateRules& r) const {
  using events::BreachCounter;
  if (!latest_ || episode_) return std::nullopt;
  switch (*latest_) {
    case Outcome::pass:
      return std::nullopt;
    case Outcome::fail:
      // A `for` window not yet sustained counted nothing: nothing is reached by it.
      if (c_.fails == 0) return std::nullopt;
      return reached(BreachCounter::failure, BreachCounter::max_failures, c_.fails, r.failure_limit,
                     c_.total_fails, r.max_failures);
    case Outcome::inconclusive:
      if (r.on_inconclusive == runbook::OnInconclusive::ignore) return std::nullopt;
      return reached(BreachCounter::inconclusive, BreachCounter::max_inconclusive, c_.inconclusives,
                     r.inconclusive_limit, c_.total_inconclusives, r.max_inconclusive);
    case Outcome::error:
      return reached(BreachCounter::error, BreachCounter::max_errors, c_.errors, r.error_limit,
                     c_.total_errors, r.max_errors);
  }
  return std::nullopt;
}

bool GateTracker::passing(const runbook::GateRules& r) const {
  return latest_ == Outcome::pass ||
         (latest_ == Outcome::inconclusive && r.on_inconclusive == runbook::OnInconclusive::ignore);
}

}  // namespace rollout::engine
