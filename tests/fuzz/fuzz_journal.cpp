// libFuzzer target: the journal reader. The input is written as a rollout's journal.jsonl,
// read back by FileStateStore::journal() (its line parsing), turned into events
// (events_from_journal) and replayed into a Position, as `status` and `resume` do.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/position.hpp"
#include "state/file_store.hpp"

namespace {
std::string scratch_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/rollout-fuzz-journal-XXXXXX";
    const char* d = mkdtemp(tmpl);
    if (d == nullptr) std::abort();
    return std::string(d);
  }();
  return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string dir = scratch_dir();
  const std::string path = dir + "/journal.jsonl";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  rollout::state::FileStateStore store(dir, false);
  const auto lines = store.journal();
  if (lines) {
    const auto events = rollout::engine::events_from_journal(*lines);
    const auto position = rollout::engine::replay(events);
    (void)position.to_json().dump();
    (void)position.final();
  }
  return 0;
}
