// Tests for runbook/gate: the CHECK OP VALUE[UNIT] [for DURATION] grammar.
#include <doctest/doctest.h>

#include "runbook/gate.hpp"

using namespace rollout;
using namespace rollout::runbook;

TEST_CASE("the forms of a gate") {
  auto g = parse_gate_syntax("error_rate < 1%");
  REQUIRE(g.gate);
  CHECK(g.gate->check == "error_rate");
  CHECK(g.gate->op == CompareOp::lt);
  CHECK(g.gate->value == 1);
  CHECK(g.gate->unit == "%");
  CHECK(g.gate->unit_offset == 14);
  CHECK_FALSE(g.gate->sustain);

  auto s = parse_gate_syntax("error_rate < 0.1% for 1h");
  REQUIRE(s.gate);
  CHECK(s.gate->value == doctest::Approx(0.1));
  CHECK(s.gate->sustain == std::chrono::hours(1));

  CHECK(parse_gate_syntax("x<=5").gate->op == CompareOp::le);
  CHECK(parse_gate_syntax("x >= 5").gate->op == CompareOp::ge);
  CHECK(parse_gate_syntax("x > 5").gate->op == CompareOp::gt);
  CHECK(parse_gate_syntax("  p99 < 200 ms  ").gate->unit == "ms");
  CHECK(parse_gate_syntax("rss < 512MiB for 1h30m").gate->sustain == std::chrono::minutes(90));
  CHECK(parse_gate_syntax("delta > -5").gate->value == -5);
  CHECK(parse_gate_syntax("errors.total < 3").gate->check == "errors.total");
}

TEST_CASE("== and != compare numbers, true, false and quoted strings") {
  auto b = parse_gate_syntax("healthy == true");
  REQUIRE(b.gate);
  CHECK(b.gate->op == CompareOp::eq);
  CHECK(b.gate->word == "true");
  auto s = parse_gate_syntax("status != \"degraded\" for 2m");
  REQUIRE(s.gate);
  CHECK(s.gate->op == CompareOp::ne);
  CHECK(s.gate->word == "degraded");
  CHECK(s.gate->sustain == std::chrono::minutes(2));
  CHECK(parse_gate_syntax("status == 'all good'").gate->word == "all good");
  auto n = parse_gate_syntax("replicas == 3");
  REQUIRE(n.gate);
  CHECK_FALSE(n.gate->word);
  CHECK(n.gate->value == 3);
  std::map<std::string, Check> checks{{"status", Check{}}};
  auto g = parse_gate("status == 'ok'", checks);
  REQUIRE(g);
  CHECK(g->word == "ok");
}

TEST_CASE("syntax errors carry the offset of what is wrong") {
  auto e = parse_gate_syntax("error_rate < 1mss");
  REQUIRE_FALSE(e.gate);
  CHECK(e.error.find("unknown unit 'mss'") != std::string::npos);
  CHECK(e.error.find("did you mean 'ms'") != std::string::npos);
  CHECK(e.error_offset == 14);

  auto op = parse_gate_syntax("error_rate = 1%");
  REQUIRE_FALSE(op.gate);
  CHECK(op.error.find("'=' is not a gate comparison: use <, <=, >, >=, == or !=") !=
        std::string::npos);
  CHECK(op.error_offset == 11);

  auto ordered = parse_gate_syntax("status < 'ok'");
  REQUIRE_FALSE(ordered.gate);
  CHECK(ordered.error.find("'<' compares numbers: 'ok' is compared with == or !=") !=
        std::string::npos);
  auto bare = parse_gate_syntax("status == ok");
  REQUIRE_FALSE(bare.gate);
  CHECK(bare.error.find("a quoted string") != std::string::npos);
  CHECK(bare.error_offset == 10);
  auto open = parse_gate_syntax("status == 'ok");
  REQUIRE_FALSE(open.gate);
  CHECK(open.error.find("no closing '") != std::string::npos);
  CHECK_FALSE(parse_gate_syntax("healthy == truest").gate);

  auto noval = parse_gate_syntax("error_rate <");
  REQUIRE_FALSE(noval.gate);
  CHECK(noval.error.find("threshold") != std::string::npos);

  auto trailing = parse_gate_syntax("error_rate < 1% during 1h");
  REQUIRE_FALSE(trailing.gate);
  CHECK(trailing.error.find("'during'") != std::string::npos);
  CHECK(trailing.error_offset == 16);

  auto baddur = parse_gate_syntax("error_rate < 1% for 1 hour");
  REQUIRE_FALSE(baddur.gate);
  CHECK(baddur.error_offset == 20);

  CHECK_FALSE(parse_gate_syntax("").gate);
  CHECK_FALSE(parse_gate_syntax("< 1").gate);
  CHECK_FALSE(parse_gate_syntax("x < 1.2.3").gate);
  CHECK_FALSE(parse_gate_syntax("x < abc").gate);
  CHECK_FALSE(parse_gate_syntax("x < 1% for").gate);
}

TEST_CASE("thresholds convert to the check's base unit") {
  auto t = [](const char* text, Unit u) {
    return gate_threshold(*parse_gate_syntax(text).gate, u);
  };
  CHECK(*t("e < 1%", Unit::ratio).value == doctest::Approx(0.01));
  CHECK(*t("e < 0.5%", Unit::ratio).value == doctest::Approx(0.005));
  CHECK(*t("l < 200ms", Unit::seconds).value == doctest::Approx(0.2));
  CHECK(*t("l < 2m", Unit::seconds).value == doctest::Approx(120));
  CHECK(*t("m < 1KB", Unit::bytes).value == doctest::Approx(1000));
  CHECK(*t("m < 1KiB", Unit::bytes).value == doctest::Approx(1024));
  CHECK(*t("n < 7", Unit::count).value == 7);

  auto bad = t("e < 200ms", Unit::ratio);
  CHECK_FALSE(bad.value);
  CHECK(bad.error.find("use %") != std::string::npos);
  CHECK(bad.error_offset == 7);
  CHECK_FALSE(t("l < 5%", Unit::seconds).value);
  CHECK_FALSE(t("m < 5s", Unit::bytes).value);
  CHECK_FALSE(t("n < 5%", Unit::count).value);
}

TEST_CASE("a bare number needs a unit where the check has one") {
  auto t = [](const char* text, Unit u) {
    return gate_threshold(*parse_gate_syntax(text).gate, u);
  };
  // "p95 < 300" used to mean 300 s and "errors < 1" 100 %: now a located error with a hint.
  auto sec = t("p95 < 300", Unit::seconds);
  CHECK_FALSE(sec.value);
  CHECK(sec.error.find("write 300ms or 300s") != std::string::npos);
  CHECK(sec.error_offset == 6);
  auto ratio = t("errors < 1", Unit::ratio);
  CHECK_FALSE(ratio.value);
  CHECK(ratio.error.find("write 1%") != std::string::npos);
  CHECK(ratio.error_offset == 9);
  auto bytes = t("rss < 512", Unit::bytes);
  CHECK_FALSE(bytes.value);
  CHECK(bytes.error.find("512MiB") != std::string::npos);
  CHECK(*t("n < 7", Unit::count).value == 7);  // a count stays bare
}

TEST_CASE("a threshold outside what its unit allows is an error") {
  auto t = [](const char* text, Unit u) {
    return gate_threshold(*parse_gate_syntax(text).gate, u);
  };
  auto neg = t("error_rate < -1%", Unit::ratio);
  CHECK_FALSE(neg.value);
  CHECK(neg.error.find("between 0% and 100%") != std::string::npos);
  CHECK(neg.error_offset == 13);
  CHECK_FALSE(t("error_rate < 101%", Unit::ratio).value);
  CHECK(*t("error_rate <= 100%", Unit::ratio).value == doctest::Approx(1));
  CHECK(*t("error_rate >= 0%", Unit::ratio).value == 0);
  CHECK_FALSE(t("p99 < -1s", Unit::seconds).value);
  CHECK_FALSE(t("rss < -1KB", Unit::bytes).value);
  CHECK_FALSE(t("n > -1", Unit::count).value);
}

TEST_CASE("parse_gate resolves against checks") {
  std::map<std::string, Check> checks;
  checks["error_rate"].unit = Unit::ratio;
  auto g = parse_gate("error_rate < 1% for 10m", checks);
  REQUIRE(g.ok());
  CHECK(g->threshold == doctest::Approx(0.01));
  CHECK(g->text == "error_rate < 1% for 10m");
  CHECK(g->sustain == std::chrono::minutes(10));
  auto unknown = parse_gate("eror_rate < 1%", checks);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("did you mean 'error_rate'") != std::string::npos);
}
