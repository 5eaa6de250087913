// Reading a rollout's state without its lock (see reading.hpp).
#include "session/reading.hpp"

#include "session/backend.hpp"

namespace rollout::session {

Result<Reading> read_store(const state::FileStateStore& store) {
  auto read = store.read_journal();
  if (!read) return with_kind(read.error(), ErrorKind::io);
  Reading r;
  r.events = engine::events_from_journal(read->lines);
  r.position = engine::replay(r.events);
  r.damage = read->damage;
  r.journal_path = store.journal_path();
  if (auto s = store.load_state(); s && *s) r.state = **s;
  return r;
}

Reading read_rollout(const std::string& dir) {
  const auto store = open_store(dir, false);
  auto read = read_store(*store);
  Reading r;
  if (read) {
    r = std::move(*read);
  } else if (auto s = store->load_state(); s && *s) {
    r.state = **s;  // an unreadable journal still leaves state.json to show
  }
  r.journal_path = store->journal_path();
  r.holder = state::lock_holder(dir);
  return r;
}

}  // namespace rollout::session
