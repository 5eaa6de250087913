// A router that only remembers: the split it was last given, every call, and refusals
// scripted by tests or a dry-run scenario. Dry runs use it, so no traffic moves.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ports/router.hpp"

namespace rollout::rehearsal {

class RecordingRouter : public Router {
 public:
  explicit RecordingRouter(Split initial = {100, 0}, std::string description = "recording router");
  Result<Split> read() override;
  Result<void> set(const Split& split) override;
  std::string describe() const override { return description_; }

  Split current() const;
  std::vector<Split> history() const;  // every successful set, in order
  int set_calls() const;
  // set() to this canary percent fails `times` times (-1: always).
  void refuse(int canary_percent, int times = -1);
  void fail_reads(bool fail) { fail_reads_ = fail; }

 private:
  mutable std::mutex mu_;
  Split split_;
  std::string description_;
  std::vector<Split> history_;
  int calls_ = 0;
  std::vector<std::pair<int, int>> refusals_;  // (canary, times left)
  bool fail_reads_ = false;
};

}  // namespace rollout::rehearsal
