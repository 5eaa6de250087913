// Tests for the fail-safe validation rules (issue 8): units on gate thresholds, impossible
// thresholds, rollback direction, engine-honoured intervals, rollout names, short secrets,
// kill patterns, and the size and depth limits checked before parsing.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace rbtest;

TEST_CASE("a bare number in a gate is an error where the check has a unit, located") {
  // "p99 < 300" used to mean 300 s, "error_rate < 1" 100 %.
  auto l = load(edit("\"error_rate < 1%\", \"p99 < 200ms\"", "\"error_rate < 1\", \"p99 < 300\""));
  INFO(dump(l));
  CHECK_FALSE(l.ok());
  auto* ratio = find(l, "'error_rate' measures ratio and 1 has no unit: write 1%");
  REQUIRE(ratio);
  CHECK(ratio->pos.line == 32);
  CHECK(ratio->pos.col == 24);
  auto* sec = find(l, "'p99' measures seconds and 300 has no unit: write 300ms or 300s");
  REQUIRE(sec);
  CHECK(sec->pos.line == 32);
  CHECK(sec->pos.col == 35);
  CHECK(errors(l) == 2);  // both reported
}

TEST_CASE("a gate threshold outside what its unit allows is an error at the value") {
  auto l = load(edit("\"error_rate < 1%\"", "\"error_rate < -1%\""));
  auto* d = find(l, "impossible for a ratio");
  REQUIRE(d);
  CHECK(d->pos.line == 32);
  CHECK(d->pos.col == 24);
  CHECK(find(load(edit("\"error_rate < 1%\"", "\"error_rate < 150%\"")), "impossible for a ratio"));
  CHECK(find(load(edit("\"p99 < 200ms\"", "\"p99 < -5ms\"")), "cannot be negative"));
}

TEST_CASE("hostile files are refused before parsing, located, with the limit named") {
  // Generated here, not committed: 40,000-part keys and headers crashed toml++ (SIGSEGV).
  std::string dotted = "a";
  for (int i = 0; i < 40'000; ++i) dotted += ".a";
  SUBCASE("a dotted key") {
    auto l = load(kBase + dotted + " = 1\n");
    REQUIRE(l.diagnostics.size() == 1);
    CHECK_FALSE(l.ok());
    CHECK(l.diagnostics[0].message.find("more than 32 parts") != std::string::npos);
    CHECK(l.diagnostics[0].pos.line == 38);  // kBase has 37 lines
    CHECK(l.diagnostics[0].pos.col == 64);   // the 32nd dot
  }
  SUBCASE("a table header") {
    auto l = load("[" + dotted + "]\n");
    REQUIRE(l.diagnostics.size() == 1);
    CHECK(l.diagnostics[0].message.find("dotted key or table header") != std::string::npos);
    CHECK(l.diagnostics[0].pos.line == 1);
    CHECK(l.diagnostics[0].pos.col == 65);
  }
  SUBCASE("nesting") {
    auto l = load("x = " + std::string(40'000, '[') + std::string(40'000, ']') + "\n");
    REQUIRE(l.diagnostics.size() == 1);
    CHECK(l.diagnostics[0].message.find("nested more than 32 deep") != std::string::npos);
    CHECK(l.diagnostics[0].pos.line == 1);
    CHECK(l.diagnostics[0].pos.col == 37);
  }
  SUBCASE("over 1 MiB") {
    auto l = load(kBase + "description = \"" + std::string(10'000'000, 'x') + "\"\n");
    REQUIRE(l.diagnostics.size() == 1);
    CHECK(l.diagnostics[0].message.find("larger than 1 MiB (1048576 bytes)") != std::string::npos);
    CHECK(l.diagnostics[0].pos.line == 38);
  }
  SUBCASE("dots and brackets in strings and comments do not count") {
    std::string s = kBase;
    s += "# " + dotted + " [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n";
    s = edit("name = \"svc\"", "name = \"svc\"\ndescription = \"" + dotted + "[[[[[[[[[[[[[[[[[[\"",
             s);
    auto l = load(s);
    INFO(dump(l));
    CHECK(l.ok());
  }
  SUBCASE("just within the limits") {
    std::string k = "[vars]\n";
    k += "a";
    for (int i = 1; i < 32; ++i) k += ".a";
    auto l = load(kBase + "\n[x]\n" + k.substr(7) + " = 1\n");
    CHECK(find(l, "unknown key 'x'"));  // parsed: toml++ saw it
    CHECK_FALSE(find(l, "parts"));
  }
}
