// Reading a rollout's state without its lock (see reading.hpp).
#include "session/reading.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "session/backend.hpp"
#include "state/layout.hpp"

namespace rollout::session {

Result<Reading> read_store(const state::FileStateStore& store) {
  auto read = store.read_journal();
  if (!read) return with_kind(read.error(), ErrorKind::io);
  Reading r;
  r.events = engine::events_from_journal(read->lines);
  r.position = engine::replay(r.events);
  r.damage = read->damage;
  r.torn = read->torn;
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

Result<Located> locate_rollout(const std::string& state_dir, const std::string& name) {
  auto picked = state::pick_rollout(state_dir, name);
  if (!picked) return picked.error();
  Located at{*picked, state::rollout_dir(state_dir, *picked), std::nullopt};
  if (auto trusted = state::check_rollout_files(at.dir); !trusted)
    at.untrusted = trusted.error().message;
  return at;
}

Result<RebuiltReport> rebuild_report(const std::string& state_dir, const std::string& name,
                                     report::Format format) {
  auto at = locate_rollout(state_dir, name);
  if (!at) return at.error();
  const auto store = open_store(at->dir, false);
  std::error_code ec;
  if (!std::filesystem::exists(store->journal_path(), ec)) {
    std::string hint;
    for (const auto& n : state::list_rollouts(state_dir))
      hint += (hint.empty() ? "; rollouts there: " : ", ") + n;
    return make_error(
        fmt::format("no journal for rollout '{}' in {}{}", at->name, state_dir, hint));
  }
  auto read = read_store(*store);
  if (!read) return read.error();
  if (read->events.empty()) return make_error(read->journal_path + " holds no events yet");
  RebuiltReport out;
  out.text = report::render(report::build_report(read->events), format);
  out.untrusted = at->untrusted;
  if (read->damage) out.left_out.push_back(read->damage->describe(read->journal_path));
  if (read->torn)
    out.left_out.push_back(
        fmt::format("1 line of {} is torn (a crash mid-write) and left out", read->journal_path));
  return out;
}

}  // namespace rollout::session
