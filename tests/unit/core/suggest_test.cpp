// Tests for core/suggest: edit distance and did-you-mean.
#include <doctest/doctest.h>

#include "core/suggest.hpp"

using namespace rollout;

TEST_CASE("edit distance counts insertions, deletions, substitutions, transpositions") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("hold", "hold") == 0);
  CHECK(edit_distance("hodl", "hold") == 1);
  CHECK(edit_distance("hol", "hold") == 1);
  CHECK(edit_distance("holdd", "hold") == 1);
  CHECK(edit_distance("hald", "hold") == 1);
  CHECK(edit_distance("abc", "xyz") == 3);
}

TEST_CASE("suggest picks the closest plausible candidate") {
  const std::vector<std::string> keys = {"name", "weight", "hold", "interval", "gates"};
  CHECK(suggest("wieght", keys) == "weight");
  CHECK(suggest("intervall", keys) == "interval");
  CHECK_FALSE(suggest("zzzzzz", keys));
  CHECK(did_you_mean("gate", keys) == " (did you mean 'gates'?)");
  CHECK(did_you_mean("qqqq", keys) == "");
}

TEST_CASE("did-you-mean only for short words: a long string costs nothing") {
  // The edit distance is O(n*m): a 10 MB string once cost 1.4 GB and seconds.
  const std::string near(kMaxSuggestWord + 1, 'x');
  CHECK_FALSE(rollout::suggest(near + "y", {near}));
  CHECK(rollout::did_you_mean(std::string(10'000'000, 'x'), {"pause", "rollback"}).empty());
  const std::string ok(kMaxSuggestWord - 1, 'x');
  CHECK(rollout::suggest(ok + "y", {ok}) == ok);
}
