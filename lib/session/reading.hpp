// What a rollout's state says, read without its lock (status, and advance/abort deciding
// what to ask the runner): the journal decoded to events once, state.json, the damage the
// journal has, and who holds the lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/position.hpp"
#include "events/event.hpp"
#include "report/report.hpp"
#include "state/file_store.hpp"
#include "state/lock.hpp"

namespace rollout::session {

struct Reading {
  std::vector<Event> events;  // the journal's events, in order
  engine::Position position;  // where they say the rollout stands
  std::optional<nlohmann::json> state;
  std::optional<state::JournalDamage> damage;
  bool torn = false;                        // a torn last line (a crash mid-write) was left out
  std::optional<state::LockHolder> holder;  // read_rollout only: who runs it now
  std::string journal_path;
};

// The journal (decoded once) and state.json of an open store. An Error when the journal
// exists but cannot be read; a missing or unreadable state.json is simply absent.
Result<Reading> read_store(const state::FileStateStore& store);

// read_store on the rollout in `dir` plus its lock holder; what cannot be read is empty.
Reading read_rollout(const std::string& dir);

// The rollout `name` (or the only one) in `state_dir`, as status and report find it: its
// directory, and whether its state is private. Reading moves nothing, so a read shows an
// untrusted state, after a warning (`untrusted` says why: what it says may be forged).
struct Located {
  std::string name, dir;
  std::optional<std::string> untrusted;
};
Result<Located> locate_rollout(const std::string& state_dir, const std::string& name);

// `rollout report`: the report of rollout `name` (or the only one) in `state_dir`, rebuilt
// from its journal, so it works while the rollout runs and after a crash.
struct RebuiltReport {
  std::string text;
  // Lines left out, each said in one line: "PATH:LINE: what" for damage, and a torn last
  // line (a crash mid-write).
  std::vector<std::string> left_out;
  // Set when the state is not private (others may write it): what it says may be forged.
  std::optional<std::string> untrusted;
};
Result<RebuiltReport> rebuild_report(const std::string& state_dir, const std::string& name,
                                     report::Format format);

}  // namespace rollout::session
