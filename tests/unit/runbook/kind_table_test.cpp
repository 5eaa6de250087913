// Tests for runbook/kind_table: the one checker of a table whose `type` picks a kind, for
// any family of kinds (routers and sources use it; so would a new family).
#include <doctest/doctest.h>

#include <algorithm>

#include "runbook/kind_table.hpp"
#include "runbook/model.hpp"

using namespace rollout::runbook;

namespace {

struct Checked {
  std::optional<std::size_t> index;
  std::vector<std::string> messages;  // "LINE:COL message"
};

// A made-up family, "[widget]", of two kinds.
Checked check(std::string_view text) {
  std::vector<Diagnostic> bad;
  const auto doc = parse_toml(text, "w.toml", "widget", bad);
  REQUIRE(doc);
  Reader r("w.toml");
  KindFamily family;
  family.what = "[widget]";
  family.wrong_kind = [](const std::string& key, const std::string& type,
                         const std::vector<std::string>& own) {
    return "'" + key + "' is not for \"" + type + "\" (it takes " + Reader::join(own) + ")";
  };
  Checked c;
  c.index = check_kind_keys(*(*doc)["widget"].as_table(), r, family,
                            {{"round", {"radius"}}, {"square", {"side", "colour"}}});
  for (const auto& d : r.diagnostics)
    c.messages.push_back(std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col) + " " +
                         d.message);
  return c;
}

}  // namespace

TEST_CASE("check_kind_keys: the type picks the kind; its keys and the common ones are fine") {
  auto c = check("[widget]\ntype = \"square\"\nside = 2\ncolour = \"red\"\ntimeout = \"1s\"\n");
  CHECK(c.index == 1u);
  CHECK(c.messages.empty());
}

TEST_CASE("check_kind_keys: a missing or unknown type lists the kinds") {
  auto missing = check("[widget]\nradius = 2\n");
  CHECK_FALSE(missing.index);
  REQUIRE(missing.messages.size() == 1);
  CHECK(missing.messages[0] == "1:1 [widget] needs 'type': \"round\" or \"square\"");

  auto unknown = check("[widget]\ntype = \"rund\"\n");
  CHECK_FALSE(unknown.index);
  REQUIRE(unknown.messages.size() == 1);
  CHECK(unknown.messages[0] ==
        "2:8 'type' cannot be \"rund\" (did you mean 'round'?): expected round or square");
}

TEST_CASE("check_kind_keys: unknown keys get a did-you-mean over every kind's keys") {
  auto c = check("[widget]\ntype = \"round\"\nsid = 3\ncolor = \"red\"\n");
  REQUIRE(c.messages.size() == 2);
  std::sort(c.messages.begin(), c.messages.end());  // toml++ keeps a table's keys sorted
  CHECK(c.messages[0] == "3:1 unknown key 'sid' in [widget] (did you mean 'side'?)");
  CHECK(c.messages[1] == "4:1 unknown key 'color' in [widget] (did you mean 'colour'?)");
}

TEST_CASE("check_kind_keys: a key of another kind is called out as such, at the key") {
  auto c = check("[widget]\ntype = \"round\"\nradius = 1\nside = 3\n");
  REQUIRE(c.messages.size() == 1);
  CHECK(c.messages[0] == "4:1 'side' is not for \"round\" (it takes radius)");
  // With no known type, only unknown keys can be told.
  auto untyped = check("[widget]\nside = 3\nradius = 1\n");
  REQUIRE(untyped.messages.size() == 1);
  CHECK(untyped.messages[0].find("needs 'type'") != std::string::npos);
}
