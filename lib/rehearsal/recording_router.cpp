// The recording router.
#include "rehearsal/recording_router.hpp"

#include <fmt/format.h>

namespace rollout::rehearsal {

RecordingRouter::RecordingRouter(Split initial, std::string description)
    : split_(initial), description_(std::move(description)) {}

Result<Split> RecordingRouter::read() {
  std::lock_guard lock(mu_);
  if (fail_reads_) return make_error("router did not answer (scripted)");
  return split_;
}

Result<void> RecordingRouter::set(const Split& split) {
  std::lock_guard lock(mu_);
  ++calls_;
  for (auto& [canary, left] : refusals_) {
    if (canary == split.canary && left != 0) {
      if (left > 0) --left;
      return make_error(fmt::format("router refused {}/{} (scripted)", split.stable, split.canary));
    }
  }
  split_ = split;
  history_.push_back(split);
  return {};
}

Split RecordingRouter::current() const {
  std::lock_guard lock(mu_);
  return split_;
}

std::vector<Split> RecordingRouter::history() const {
  std::lock_guard lock(mu_);
  return history_;
}

int RecordingRouter::set_calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

void RecordingRouter::refuse(int canary_percent, int times) {
  std::lock_guard lock(mu_);
  refusals_.emplace_back(canary_percent, times);
}

}  // namespace rollout::rehearsal
