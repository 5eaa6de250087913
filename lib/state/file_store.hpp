// The StateStore on disk: STATE_DIR/NAME/state.json (atomic replace) and journal.jsonl
// (append-only, one event a line, fsync'd when asked: at step boundaries). Opening the
// journal for appending repairs a torn last line (kept aside in journal.jsonl.torn) and
// keeps a small reserve file (journal.reserve) that is given up when the disk fills, so
// the records of the rollback that follows still fit.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "ports/state_store.hpp"

namespace rollout::state {

inline constexpr std::size_t kJournalReserveBytes = 64 * 1024;

// Where a journal stops reading cleanly: an unreadable line before its last one, or
// events missing (a gap in seq). A torn last line (no newline: a crash mid-write) is not
// damage: the lines before it are the truth.
struct JournalDamage {
  std::size_t line = 0;                                 // 1-based
  std::string what;                                     // "not JSON", "seq 12 follows seq 9"
  std::string describe(const std::string& path) const;  // "PATH:LINE: what"
};

struct JournalRead {
  std::vector<nlohmann::json> lines;  // every line that reads (damaged ones skipped)
  std::optional<JournalDamage> damage;
  bool torn = false;  // the last line was cut (a crash mid-write) and is left out
};

// state.json is written after each journal record. When it names a later event than the
// journal's last, the journal lost records (it refused writes while the runner went on: a
// rollback on an immutable or failing journal), so where the rollout stands is uncertain.
// The one line that says so, or nullopt.
std::optional<std::string> journal_behind_state(const nlohmann::json& state,
                                                std::uint64_t journal_last_seq);

class FileStateStore : public StateStore {
 public:
  // `dir`: the rollout's directory (must exist). `durable` = false (a dry run) skips every
  // fsync and the reserve: a rehearsal is cheap to repeat and must stay fast.
  explicit FileStateStore(std::string dir, bool durable = true);
  ~FileStateStore() override;
  // Opens the journal for appending now (append() does it on first use): a torn last line
  // is moved to journal.jsonl.torn and cut off, and the reserve is made. An error when the
  // journal cannot be opened or the reserve cannot be written (the directory is full).
  Result<void> open();
  // Bytes of a torn last line that open() set aside (0: none).
  std::size_t torn_bytes() const { return torn_bytes_; }
  Result<void> append(const nlohmann::json& record, bool sync) override;
  Result<std::vector<nlohmann::json>> journal() const override;
  Result<JournalRead> read_journal() const;
  Result<void> save_state(const nlohmann::json& state) override;
  Result<std::optional<nlohmann::json>> load_state() const override;
  Trust trust() const override;

  // How trust() learns whether the rollout's lock is still this process's.
  void set_lock_check(std::function<Result<void>()> check) { lock_check_ = std::move(check); }

  // Moves an old journal and state aside (journal.<time>.jsonl) before a fresh start.
  Result<void> archive(const std::string& stamp);
  const std::string& dir() const { return dir_; }
  std::string journal_path() const;

 private:
  Result<void> open_locked();
  Result<void> write_line(const std::string& line);
  void fail(std::string why);

  std::string dir_;
  mutable std::mutex mu_;
  int fd_ = -1;  // journal, opened on first append
  bool durable_ = true;
  std::string failure_;   // the first journal write that failed (sticky); "" while none
  std::size_t lost_ = 0;  // records that could not be written
  std::function<Result<void>()> lock_check_;
  std::size_t torn_bytes_ = 0;
};

}  // namespace rollout::state
