// The rollout's lock: an flock on STATE_DIR/NAME/lock held by the process that executes
// steps. The file names the holder (pid, host, user, command, start time) so a second
// `start` can say who has it, and `advance`/`abort` know whom to wake.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace rollout::state {

struct LockHolder {
  int pid = 0;
  std::string host;
  std::string user;
  std::string command;
  std::string started;  // ISO 8601 UTC
  static LockHolder self();
  nlohmann::json to_json() const;
  static LockHolder from_json(const nlohmann::json& j);
  std::string describe() const;  // "pid 123 on host by alice since ...: rollout start x.toml"
};

class RolloutLock {
 public:
  ~RolloutLock();
  RolloutLock(const RolloutLock&) = delete;
  RolloutLock& operator=(const RolloutLock&) = delete;

  struct Attempt {
    std::unique_ptr<RolloutLock> lock;  // set when acquired
    std::optional<LockHolder> holder;   // set when someone else holds it
    std::string error;                  // set when the lock could not be tried at all
  };
  // Non-blocking. `dir` is the rollout's directory (must exist).
  static Attempt acquire(const std::string& dir, const LockHolder& me);
  // An Error when the lock file this process locked is no longer the one at its path
  // (deleted or replaced under a running runner): another process could lock it then.
  Result<void> verify() const;

 private:
  RolloutLock(int fd, std::string path);
  int fd_;
  std::string path_;
};

// Who holds the lock now, without taking it (nullopt: nobody).
std::optional<LockHolder> lock_holder(const std::string& dir);

}  // namespace rollout::state
