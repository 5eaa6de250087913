// Mapping a percent split onto HAProxy server weights (0..256) and back.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "providers/routers.hpp"

namespace rollout::providers {

namespace {

constexpr int kMaxWeight = 256;

// `total` spread over n servers as evenly as integers allow.
std::vector<int> spread(long total, std::size_t n) {
  std::vector<int> out(n, 0);
  if (n == 0) return out;
  const long base = total / static_cast<long>(n);
  long extra = total % static_cast<long>(n);
  for (auto& w : out) w = static_cast<int>(base + (extra-- > 0 ? 1 : 0));
  return out;
}

}  // namespace

WeightPlan plan_weights(const Split& split, std::size_t n_stable, std::size_t n_canary) {
  const double s = split.stable, c = split.canary;
  const double cap_s = kMaxWeight * static_cast<double>(n_stable);
  const double cap_c = kMaxWeight * static_cast<double>(n_canary);
  long total_s = 0, total_c = 0;
  if (c <= 0) {
    total_s = static_cast<long>(cap_s);
  } else if (s <= 0) {
    total_c = static_cast<long>(cap_c);
  } else {
    // The largest scale at which both totals fit under their caps keeps the ratio exact
    // up to the rounding of the smaller total (well under 0.5 % for any percent).
    const double t = std::min(cap_s / s, cap_c / c);
    total_s = std::clamp(std::lround(t * s), 1L, static_cast<long>(cap_s));
    total_c = std::clamp(std::lround(t * c), 1L, static_cast<long>(cap_c));
  }
  return {spread(total_s, n_stable), spread(total_c, n_canary)};
}

std::optional<Split> split_from_weights(const std::vector<int>& stable,
                                        const std::vector<int>& canary) {
  const long s = std::accumulate(stable.begin(), stable.end(), 0L);
  const long c = std::accumulate(canary.begin(), canary.end(), 0L);
  if (s + c <= 0) return std::nullopt;
  Split split;
  split.canary =
      static_cast<int>(std::lround(100.0 * static_cast<double>(c) / static_cast<double>(s + c)));
  // A canary with any weight at all never reads as 0 % (nor a stable side as 0 %).
  if (c > 0 && split.canary == 0) split.canary = 1;
  if (s > 0 && split.canary == 100) split.canary = 99;
  split.stable = 100 - split.canary;
  return split;
}

}  // namespace rollout::providers
