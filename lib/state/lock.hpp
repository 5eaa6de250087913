// The rollout's lock: flocks on STATE_DIR/NAME (the directory) and STATE_DIR/NAME/lock held
// by the process that executes steps. The directory lock survives a deleted or replaced lock
// file; the file names the holder (pid, host, user, command, start time, run id) so a second
// `start` can say who has it, and `advance`/`abort` know which run they address. Whom to
// signal is taken from the kernel's lock table (/proc/locks), never from the file.
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
  std::string started;       // ISO 8601 UTC
  std::string run;           // this run's id: control requests name it
  int claimed_pid = 0;       // the pid the record claims, when it differs from the lock's holder
  static LockHolder self();  // with a fresh run id
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
  // Non-blocking. `dir` is the rollout's directory (must exist). Refuses (error) a rollout
  // directory whose files are symlinks, another user's, or writable by group/others.
  static Attempt acquire(const std::string& dir, const LockHolder& me);
  // An Error when the lock file this process locked is no longer the one at its path
  // (deleted or replaced under a running runner): another process could lock it then.
  Result<void> verify() const;
  const LockHolder& holder() const { return me_; }

 private:
  RolloutLock(int dir_fd, int fd, std::string dir, std::string path, LockHolder me);
  int dir_fd_;
  int fd_;
  std::string dir_;
  std::string path_;
  LockHolder me_;
};

// Who holds the lock now, without taking it (nullopt: nobody). The pid is the one the
// kernel says holds the flock (0 when it cannot tell, e.g. another pid namespace).
std::optional<LockHolder> lock_holder(const std::string& dir);

// Pids holding an flock on the file or directory at `path` (from /proc/locks).
std::vector<int> flock_holders(const std::string& path);

}  // namespace rollout::state
