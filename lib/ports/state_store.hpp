// Where a rollout's durable state lives: STATE_DIR/NAME/{state.json,journal.jsonl}.
// The journal is the truth (the report is rebuilt from it); state.json is a snapshot
// for quick `status` and `resume`.
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace rollout {

class StateStore {
 public:
  virtual ~StateStore() = default;
  // Appends one record (one line). `sync`: fsync before returning (step boundaries).
  virtual Result<void> append(const nlohmann::json& record, bool sync) = 0;
  virtual Result<std::vector<nlohmann::json>> journal() const = 0;
  // Atomic replace: temp file, fsync, rename, fsync of the directory.
  virtual Result<void> save_state(const nlohmann::json& state) = 0;
  virtual Result<std::optional<nlohmann::json>> load_state() const = 0;
  // Whether this process may still move traffic toward the canary on what it knows: every
  // record so far is durable and the rollout's lock is still this process's. An Error says
  // why not, in one line. Moving traffic back to stable never asks: it is the safe way.
  virtual Result<void> trusted() const { return {}; }
};

}  // namespace rollout
