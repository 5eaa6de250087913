// Range gates: "LOW <= CHECK <= HIGH [for DURATION]" (Flagger's thresholdRange) is two
// gates, "CHECK >= LOW" and "CHECK <= HIGH", each with its own counters. Splitting keeps
// a map from each half's characters back to the text as written, so an error in either
// half is reported at its own column.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollout::runbook {

struct GateHalf {
  std::string text;  // "ratio >= 10%": a gate expression of its own
  // For each character of `text`, its offset in the range as written.
  std::vector<std::size_t> origin;
  std::size_t at(std::size_t offset) const {
    return origin.empty() ? 0 : origin[offset < origin.size() ? offset : origin.size() - 1];
  }
};

struct RangeSplit {
  std::optional<GateHalf> lower, upper;  // both set, or neither and error says why
  std::string error;
  std::size_t error_offset = 0;
};

// nullopt when `text` is not a range (it does not start with a number); else the halves,
// or why the range cannot be read.
std::optional<RangeSplit> split_range(std::string_view text);

}  // namespace rollout::runbook
