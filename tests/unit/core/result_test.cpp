// Errors as values: an Error's kind, by default and when a caller classes it.
#include "core/result.hpp"

#include <doctest/doctest.h>

using namespace rollout;

TEST_CASE("an error without a kind is a usage error") {
  CHECK(make_error("bad").kind == ErrorKind::usage);
  CHECK(Error{"bad"}.kind == ErrorKind::usage);
  Result<int> r = make_error("no", ErrorKind::locked);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::locked);
}

TEST_CASE("a caller classes a lower layer's error and keeps what it says") {
  const Error e = with_kind(make_error("cannot write journal.jsonl"), ErrorKind::io);
  CHECK(e.kind == ErrorKind::io);
  CHECK(e.message == "cannot write journal.jsonl");
}
