// A StateStore in memory, with crash injection: after the Nth journal append the record
// is kept and SimulatedCrash is thrown, and every later write is lost, as if the process
// had died there. A test then builds a new engine over what the store holds. It can also
// fail appends (a full or broken disk) and lose its lock, as trust() then reports.
#pragma once

#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "ports/state_store.hpp"

namespace rollout::fakes {

struct SimulatedCrash : std::exception {
  const char* what() const noexcept override { return "simulated crash"; }
};

class MemoryStateStore : public StateStore {
 public:
  Result<void> append(const nlohmann::json& record, bool sync) override;
  Result<std::vector<nlohmann::json>> journal() const override;
  Result<void> save_state(const nlohmann::json& state) override;
  Result<std::optional<nlohmann::json>> load_state() const override;
  Trust trust() const override;

  // Crash right after the nth append (1-based; 0 never). Clears a previous crash.
  void crash_after(std::size_t n);
  bool crashed() const;
  std::size_t appends() const;  // successful appends so far
  std::size_t syncs() const;    // appends that asked for fsync
  // Appends after the nth successful one fail with `why` (0: never), `count` of them
  // (-1: all later ones); the failure stays in trust() as a real disk's would.
  void fail_appends_after(std::size_t n, std::string why = "No space left on device",
                          int count = -1);
  void lose_lock(std::string why = "lock file replaced");
  std::vector<nlohmann::json> saved_states() const;  // every save_state, in order
  std::vector<bool> sync_flags() const;              // per journal record: fsync asked

 private:
  mutable std::mutex mu_;
  std::vector<nlohmann::json> journal_;
  std::optional<nlohmann::json> state_;
  std::size_t crash_after_ = 0;
  std::size_t appends_ = 0;
  std::size_t syncs_ = 0;
  bool crashed_ = false;
  std::size_t fail_after_ = 0;
  int fail_count_ = 0;
  std::string fail_why_;
  std::string failure_;  // sticky
  std::size_t lost_ = 0;
  std::string lock_lost_;
  std::vector<nlohmann::json> states_;
  std::vector<bool> synced_;
};

}  // namespace rollout::fakes
