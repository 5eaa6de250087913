// Where a rollout's durable state lives: STATE_DIR/NAME/{state.json,journal.jsonl}.
// The journal is the truth (the report is rebuilt from it); state.json is a snapshot
// for quick `status` and `resume`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace rollout {

// Why a process may no longer move traffic toward the canary on what it knows. The two
// call for different acts: a journal that cannot be written still lets this process roll
// back (and try to record it); a lost lock means another process may own the rollout,
// so this one touches nothing more.
struct Trust {
  enum class Kind { ok, journal, lock };
  Kind kind = Kind::ok;
  std::string why;       // one line, empty when ok
  std::size_t lost = 0;  // records that could not be written (Kind::journal)
  bool ok() const { return kind == Kind::ok; }
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  // Appends one record (one line). `sync`: fsync before returning (step boundaries).
  virtual Result<void> append(const nlohmann::json& record, bool sync) = 0;
  virtual Result<std::vector<nlohmann::json>> journal() const = 0;
  // Atomic replace: temp file, fsync, rename, fsync of the directory.
  virtual Result<void> save_state(const nlohmann::json& state) = 0;
  virtual Result<std::optional<nlohmann::json>> load_state() const = 0;
  // Whether this process may still move traffic toward the canary: every record so far
  // was written (and the last boundary synced), and the rollout's lock is still this
  // process's. A failed journal write is remembered for good (sticky). Moving traffic back
  // to stable never asks: it is the safe way. Cheap: the engine asks at every poll.
  virtual Trust trust() const { return {}; }
  Result<void> trusted() const {
    const Trust t = trust();
    if (t.ok()) return {};
    return make_error(t.why);
  }
};

}  // namespace rollout
