// The journal is never written through a symlink (root once truncated what one pointed at).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "state/file_store.hpp"

namespace fs = std::filesystem;
using namespace rollout;

TEST_CASE("an append to a symlinked journal fails and leaves the file it points at alone") {
  char tmpl[] = "/tmp/rollout-nofollow-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::string victim = dir + "/victim";
  { std::ofstream(victim) << "precious\n"; }
  fs::create_symlink(victim, fs::path(dir) / "journal.jsonl");
  state::FileStateStore store(dir, false);
  CHECK_FALSE(store.append({{"type", "warning"}}, false).ok());
  std::ifstream in(victim);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(all == "precious\n");
  fs::remove_all(dir);
}
