// Requests from another shell: written atomically, taken once, oldest first.
#include <unistd.h>

#include <filesystem>

#include <doctest/doctest.h>

#include "state/file_control.hpp"

namespace fs = std::filesystem;
using namespace rollout;

TEST_CASE("advance and abort requests are taken once, in order") {
  char tmpl[] = "/tmp/rollout-ctl-XXXXXX";
  const std::string dir = std::string(::mkdtemp(tmpl)) + "/control";
  REQUIRE(state::write_request(dir, {ControlRequest::Kind::advance, "alice@h", ""}).ok());
  ::usleep(2000);
  REQUIRE(state::write_request(dir, {ControlRequest::Kind::abort, "bob@h", "bad canary"}).ok());
  state::FileControlChannel ch(dir, false);
  auto a = ch.poll();
  REQUIRE(a);
  CHECK(a->kind == ControlRequest::Kind::advance);
  CHECK(a->by == "alice@h");
  auto b = ch.poll();
  REQUIRE(b);
  CHECK(b->kind == ControlRequest::Kind::abort);
  CHECK(b->reason == "bad canary");
  CHECK_FALSE(ch.poll());
  CHECK(fs::is_empty(dir));
  fs::remove_all(fs::path(dir).parent_path());
}
