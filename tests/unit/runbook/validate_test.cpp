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

namespace {
std::string with_rollback(const std::string& steps) {
  return kBase + "\n[rollback]\nsteps = [ " + steps + " ]\n";  // steps on line 40
}
}  // namespace

TEST_CASE("a rollback step moving traffic toward the canary is refused or warned, located") {
  SUBCASE("weight = 100 is an error: it is the opposite of a rollback") {
    auto l = with_rollback("{ weight = 100 }");
    auto r = load(l);
    auto* d = find(r, "rollback step sets weight 100");
    REQUIRE(d);
    CHECK(d->severity == Diagnostic::Severity::error);
    CHECK(d->pos.line == 40);
    CHECK(d->pos.col == 11);
  }
  SUBCASE("0 < N < 100 is a warning naming the stage it would move toward the canary from") {
    auto r = load(with_rollback("{ weight = 50 }, { weight = 0 }"));
    INFO(dump(r));
    CHECK(r.ok());
    auto* d = find(r, "rollback step sets weight 50");
    REQUIRE(d);
    CHECK(d->severity == Diagnostic::Severity::warning);
    CHECK(d->message.find("stage 'canary' (5%)") != std::string::npos);
  }
  SUBCASE("weight = 0 is what a rollback does") {
    auto r = load(with_rollback("{ weight = 0 }"));
    CHECK(r.diagnostics.empty());
  }
}

TEST_CASE("an interval below what the engine honours (100ms) is an error") {
  auto l = load(edit("hold = \"1h\"", "hold = \"1h\"\ninterval = \"1ms\""));
  auto* d = find(l, "'interval' = \"1ms\" is shorter than 100ms");
  REQUIRE(d);
  CHECK(d->pos.line == 32);
  CHECK(load(edit("hold = \"1h\"", "hold = \"1h\"\ninterval = \"100ms\"")).ok());
  auto h = load(edit("urls = [\"http://127.0.0.1:8082/health\"]",
                     "urls = [\"http://127.0.0.1:8082/health\"]\ninterval = \"10ms\""));
  CHECK(find(h, "'interval' = \"10ms\" is shorter than 100ms"));
}

TEST_CASE("rollout names that are unsafe as a directory name or collide with a dry run") {
  auto dry = load(edit("name = \"svc\"", "name = \"svc.dry-run\""));
  auto* d = find(dry, "ends in '.dry-run'");
  REQUIRE(d);
  CHECK(d->pos.line == 2);
  CHECK(d->pos.col == 8);
  CHECK(find(load(edit("name = \"svc\"", "name = \"a/b\"")), "must be letters"));
  CHECK(find(load(edit("name = \"svc\"", "name = \"..\"")), "must be letters"));
  CHECK(load(edit("name = \"svc\"", "name = \"svc.dry-runner\"")).ok());
}

TEST_CASE("kill steps: a pattern of a few characters or blanks, a blank name, are refused") {
  auto l =
      load(with_rollback("{ kill = { pattern = \" \" } }, { kill = { pattern = \"app\" } }, "
                         "{ kill = { name = \"  \" } }, { kill = { pidfile = \"\" } }"));
  INFO(dump(l));
  CHECK_FALSE(l.ok());
  auto* blank = find(l, "'pattern' = \" \" is blank");
  REQUIRE(blank);
  CHECK(blank->pos.line == 40);
  CHECK(blank->pos.col == 32);
  CHECK(find(l, "'pattern' = \"app\" is shorter than 4 characters"));
  CHECK(find(l, "'name' is blank"));
  CHECK(find(l, "'pidfile' is empty"));
  CHECK(errors(l) == 4);
  CHECK(load(with_rollback(
                 "{ kill = { pattern = \"my-app --serve\" } }, { kill = { name = \"sh\" } }"))
            .ok());
  // A pattern made of [vars] is checked as it expands.
  auto v = load(edit("[router]", "[vars]\np = \" \"\n\n[router]") +
                "\n[rollback]\nsteps = [ { kill = { pattern = \"${vars.p}\" } } ]\n");
  CHECK(find(v, "is blank"));
}

TEST_CASE("a secret so short that redacting it would hit ordinary text is warned about") {
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "PIN") return std::string("42");
    if (name == "TOKEN") return std::string("s3cr3t-t0ken");
    return std::nullopt;
  };
  auto l = load(edit("url = \"http://127.0.0.1:9090\"",
                     "url = \"http://127.0.0.1:9090/${env.PIN}/${env.TOKEN}\""),
                env);
  INFO(dump(l));
  CHECK(l.ok());
  auto* d = find(l, "${env.PIN} is 2 characters long");
  REQUIRE(d);
  CHECK(d->severity == Diagnostic::Severity::warning);
  CHECK(d->pos.line == 13);
  CHECK(d->pos.col == 30);
  CHECK_FALSE(find(l, "${env.TOKEN} is"));
}

TEST_CASE("a timeout of 0 is refused: to libcurl it means no limit at all") {
  auto l = load(
      edit("url = \"http://127.0.0.1:9090\"", "url = \"http://127.0.0.1:9090\"\ntimeout = \"0\""));
  auto* d = find(l, "'timeout' = \"0\" would mean no limit");
  REQUIRE(d);
  CHECK(d->pos.line == 14);
  CHECK(find(load(edit("urls = [\"http://127.0.0.1:8082/health\"]",
                       "urls = [\"http://127.0.0.1:8082/health\"]\ntimeout = \"0ms\"")),
             "would mean no limit"));
}

TEST_CASE("${stage.*} in a rollback step is an error at the template: it has no value there") {
  // A rollback runs outside any stage; such a step used to fail only when the rollback ran.
  auto l = load(kBase +
                "\n[rollback]\nsteps = [{ weight = 0 }, { run = [\"echo\", "
                "\"${stage.name}\", \"${weight.canary}\"] }]\n");
  INFO(dump(l));
  auto* d = find(l, "${stage.name} has no value in a [rollback] step");
  REQUIRE(d);
  CHECK(d->pos.line == 40);
  CHECK(d->pos.col == 44);
  CHECK(errors(l) == 1);  // ${weight.canary} is fine there
  // In a stage's steps it is known.
  CHECK(load(edit("hold = \"2h\"\n",
                  "hold = \"2h\"\nbefore = [{ run = [\"echo\", "
                  "\"${stage.name}\"] }]\n"))
            .ok());
}

TEST_CASE("a template inside quotes of a shell string is an error: its value would run") {
  // shell = "echo '${vars.x}'" with x = "'; touch pwned; '" ran the touch.
  const std::string steps = "hold = \"2h\"\nbefore = [{ shell = \"echo '${vars.x}'\" }]\n";
  auto l = load("[vars]\nx = \"v\"\n" + edit("hold = \"2h\"\n", steps));
  INFO(dump(l));
  CHECK(find(l, "a template inside quotes in 'shell'"));
  CHECK(errors(l) == 1);
  auto dq =
      load("[vars]\nx = \"v\"\n" +
           edit("hold = \"2h\"\n", "hold = \"2h\"\nbefore = [{ shell = 'echo \"${vars.x}\"' }]\n"));
  CHECK(find(dq, "a template inside quotes in 'shell'"));
  // Bare, it is quoted by rollout: fine.
  auto ok =
      load("[vars]\nx = \"v\"\n" +
           edit("hold = \"2h\"\n", "hold = \"2h\"\nbefore = [{ shell = \"echo ${vars.x}\" }]\n"));
  INFO(dump(ok));
  CHECK(ok.ok());
}

TEST_CASE("an unknown key is named in at most 64 characters, however long it is") {
  // A 900 KB unknown key came back whole in a 900 KB error line.
  auto l =
      load(edit("name = \"svc\"\n", "name = \"svc\"\n" + std::string(900'000, 'k') + " = 1\n"));
  auto* d = find(l, "unknown key 'kkkk");
  REQUIRE(d);
  CHECK(d->message.size() < 300);
  CHECK(d->message.find(std::string(64, 'k') + "...'") != std::string::npos);
}

TEST_CASE("a Prometheus check compared with a word is an error at the word") {
  auto l = load(edit("gates = [\"error_rate < 1%\", \"p99 < 200ms\"]",
                     "gates = [\"error_rate == 'ok'\", \"p99 < 200ms\"]"));
  CHECK_FALSE(l.ok());
  const Diagnostic* d =
      find(l, "check 'error_rate' comes from Prometheus, which answers with numbers");
  REQUIRE(d);
  CHECK(d->pos.line == 32);
  CHECK(d->pos.col == 25);
}
