// The StateStore on disk: STATE_DIR/NAME/state.json (atomic replace) and journal.jsonl
// (append-only, one event a line, fsync'd when asked: at step boundaries).
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "ports/state_store.hpp"

namespace rollout::state {

class FileStateStore : public StateStore {
 public:
  // `dir`: the rollout's directory (must exist). `durable` = false (a dry run) skips every
  // fsync: a rehearsal is cheap to repeat and must stay fast.
  explicit FileStateStore(std::string dir, bool durable = true);
  ~FileStateStore() override;
  Result<void> append(const nlohmann::json& record, bool sync) override;
  Result<std::vector<nlohmann::json>> journal() const override;
  Result<void> save_state(const nlohmann::json& state) override;
  Result<std::optional<nlohmann::json>> load_state() const override;
  Result<void> trusted() const override;

  // How trusted() learns whether the rollout's lock is still this process's.
  void set_lock_check(std::function<Result<void>()> check) { lock_check_ = std::move(check); }

  // Moves an old journal and state aside (journal.<time>.jsonl) before a fresh start.
  Result<void> archive(const std::string& stamp);
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  mutable std::mutex mu_;
  int fd_ = -1;  // journal, opened on first append
  bool warned_ = false;
  bool durable_ = true;
  std::function<Result<void>()> lock_check_;
};

}  // namespace rollout::state
