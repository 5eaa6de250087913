// A StateStore in memory, with crash injection: after the Nth journal append the record
// is kept and SimulatedCrash is thrown, and every later write is lost, as if the process
// had died there. A test then builds a new engine over what the store holds.
#pragma once

#include <exception>
#include <mutex>
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

  // Crash right after the nth append (1-based; 0 never). Clears a previous crash.
  void crash_after(std::size_t n);
  bool crashed() const;
  std::size_t appends() const;  // successful appends so far
  std::size_t syncs() const;    // appends that asked for fsync

 private:
  mutable std::mutex mu_;
  std::vector<nlohmann::json> journal_;
  std::optional<nlohmann::json> state_;
  std::size_t crash_after_ = 0;
  std::size_t appends_ = 0;
  std::size_t syncs_ = 0;
  bool crashed_ = false;
};

}  // namespace rollout::fakes
