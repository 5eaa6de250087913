// The one table from an Error's kind to the exit code a user sees (rollout(1), EXIT STATUS).
#include "core/exit_status.hpp"

#include <doctest/doctest.h>

using namespace rollout;

TEST_CASE("each error kind exits with its documented code") {
  // 2: nothing was touched.
  CHECK(to_int(exit_code_for(ErrorKind::usage)) == 2);
  CHECK(to_int(exit_code_for(ErrorKind::refused)) == 2);
  CHECK(to_int(exit_code_for(ErrorKind::io)) == 2);
  // 4: another process holds the lock (or did not take a request).
  CHECK(to_int(exit_code_for(ErrorKind::locked)) == 4);
  // 6: a person must act; an internal error may have stopped a run half-way.
  CHECK(to_int(exit_code_for(ErrorKind::uncertain)) == 6);
  CHECK(to_int(exit_code_for(ErrorKind::internal)) == 6);
}
