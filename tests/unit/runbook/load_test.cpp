// Tests for runbook/load + parse + validate: what a runbook parses into, and each rule
// validation enforces, with the position it reports.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace rbtest;

TEST_CASE("the base runbook parses into the model") {
  auto l = load(kBase);
  INFO(dump(l));
  REQUIRE(l.ok());
  const Runbook& b = *l.runbook;
  CHECK(b.path == "rb.toml");
  CHECK(b.rollout.name == "svc");
  const auto* haproxy = std::get_if<HaproxyRouterSpec>(&b.router);
  REQUIRE(haproxy);
  CHECK(haproxy->sockets == std::vector<std::string>{"unix:/tmp/haproxy.sock"});
  CHECK(haproxy->stable == std::vector<std::string>{"a"});
  const auto* prom = std::get_if<PrometheusSourceSpec>(&b.metrics.at("prom"));
  REQUIRE(prom);
  CHECK(prom->url == "http://127.0.0.1:9090");
  CHECK(b.checks.at("error_rate").unit == Unit::ratio);
  CHECK(b.checks.at("p99").unit == Unit::seconds);
  REQUIRE(b.stages.size() == 2);
  CHECK(b.stages[0].name == "canary");
  CHECK(b.stages[0].weight == 5);
  CHECK(b.stages[0].hold == std::chrono::hours(1));
  CHECK(b.stages[0].rules.interval == std::chrono::seconds(30));  // default
  REQUIRE(b.stages[0].gates.size() == 2);
  CHECK(b.stages[0].gates[0].check == "error_rate");
  CHECK(b.stages[0].gates[0].threshold == doctest::Approx(0.01));
  CHECK(b.stages[0].gates[1].threshold == doctest::Approx(0.2));
  CHECK(b.stages[0].gates[0].pos.line == 32);
  CHECK(b.stages[0].pos.line == 28);
}

TEST_CASE("defaults: no [rollback] means one weight 0 step within 5m") {
  auto l = load(kBase);
  REQUIRE(l.ok());
  const auto& rb = l.runbook->rollback;
  CHECK(rb.budget == std::chrono::minutes(5));
  REQUIRE(rb.steps.size() == 1);
  REQUIRE(std::holds_alternative<WeightStep>(rb.steps[0].action));
  CHECK(std::get<WeightStep>(rb.steps[0].action).canary == 0);
  CHECK(l.runbook->health.at("canary").successes == 1);
  CHECK(l.runbook->rollout.on_interrupt == OnInterrupt::pause);
}

TEST_CASE("the product contract's example runbook validates") {
  auto l = load(read_data("design_example.toml"), no_env());
  INFO(dump(l));
  REQUIRE(l.ok());
  CHECK(errors(l) == 0);
  // Only the unset ${env.SLACK_WEBHOOK} is worth a warning.
  REQUIRE(l.diagnostics.size() == 1);
  CHECK(l.diagnostics[0].severity == Diagnostic::Severity::warning);
  CHECK(l.diagnostics[0].message.find("SLACK_WEBHOOK") != std::string::npos);
  const Runbook& b = *l.runbook;
  CHECK(b.stages.size() == 3);
  CHECK(b.stages[2].gates[0].sustain == std::chrono::hours(1));
  CHECK(b.stages[2].rules.on_breach == OnBreach::pause);
  CHECK(b.stages[0].rules.failure_limit == 2);
  CHECK(b.stages[0].before.size() == 2);
  const auto& run = std::get<RunStep>(b.stages[0].before[0].action);
  CHECK(run.argv == std::vector<std::string>{"./deploy.sh", "canary"});
  CHECK(run.timeout == std::chrono::minutes(5));
  REQUIRE(b.rollback.steps.size() == 4);
  CHECK(b.rollback.steps[0].budget == std::chrono::seconds(30));
  const auto& kill = std::get<KillStep>(b.rollback.steps[1].action);
  CHECK(kill.name == "ultra_fast_analyzer");
  CHECK(kill.grace == std::chrono::seconds(10));
  CHECK(std::get<HealthStep>(b.rollback.steps[3].action).health == "stable");
  REQUIRE(b.notify.size() == 1);
  CHECK(b.notify[0].events.size() == 4);
  CHECK(b.vars.at("prom") == "http://127.0.0.1:9090");
}

TEST_CASE("with the variable set, the contract's example runbook has no diagnostics at all") {
  auto env = [](const std::string& k) -> std::optional<std::string> {
    if (k == "SLACK_WEBHOOK") return "https://hooks.example/abc";
    return std::nullopt;
  };
  auto l = load(read_data("design_example.toml"), env, true);
  INFO(dump(l));
  CHECK(l.ok());
  CHECK(l.diagnostics.empty());
}

TEST_CASE("the shipped runbooks validate") {
  for (const char* name : {"analyzer.toml", "http-weights.toml", "exec.toml"}) {
    LoadOptions o;
    o.env = no_env();
    auto l = load_runbook(source_root() + "/runbooks/" + name, o);
    INFO(name << "\n" << dump(l));
    CHECK(l.ok());
  }
}

TEST_CASE("TOML syntax errors are one diagnostic with toml++'s position") {
  auto l = load(edit("backend = \"app\"", "backend = \"app"));
  REQUIRE(l.diagnostics.size() == 1);
  CHECK_FALSE(l.ok());
  CHECK(l.diagnostics[0].pos.line == 7);
  CHECK(l.diagnostics[0].str().rfind("rb.toml:7:", 0) == 0);
}

TEST_CASE("diagnostic format") {
  Diagnostic d{"f.toml", Pos{3, 7}, Diagnostic::Severity::error, "bad"};
  CHECK(d.str() == "f.toml:3:7: error: bad");
  d.severity = Diagnostic::Severity::warning;
  CHECK(d.str() == "f.toml:3:7: warning: bad");
  d.pos = Pos{};
  CHECK(d.str() == "f.toml: warning: bad");
}

TEST_CASE("a missing file is an error naming it") {
  auto l = load_runbook("/nonexistent/dir/rb.toml");
  CHECK_FALSE(l.ok());
  REQUIRE(l.diagnostics.size() == 1);
  CHECK(l.diagnostics[0].str().find("/nonexistent/dir/rb.toml: error: cannot read") == 0);
}

TEST_CASE("unknown keys are errors at the key, with a did-you-mean") {
  SUBCASE("in a stage") {
    auto l = load(edit("hold = \"1h\"", "hodl = \"1h\""));
    auto* d = find(l, "unknown key 'hodl'");
    REQUIRE(d);
    CHECK(d->message.find("did you mean 'hold'") != std::string::npos);
    CHECK(d->pos.line == 31);
    CHECK(d->pos.col == 1);
    CHECK_FALSE(l.ok());
  }
  SUBCASE("at the top") {
    auto l = load(edit("[[stage]]\nname = \"canary\"", "[[stages]]\nname = \"canary\""));
    auto* d = find(l, "unknown key 'stages'");
    REQUIRE(d);
    CHECK(d->message.find("did you mean 'stage'") != std::string::npos);
  }
  SUBCASE("in [rollout]") {
    auto l = load(edit("name = \"svc\"", "name = \"svc\"\non_interupt = \"pause\""));
    auto* d = find(l, "on_interupt");
    REQUIRE(d);
    CHECK(d->message.find("did you mean 'on_interrupt'") != std::string::npos);
    CHECK(d->pos.line == 3);
  }
  SUBCASE("in a check") {
    auto l = load(edit("unit = \"seconds\"", "unit = \"seconds\"\nno_dat = \"fail\""));
    CHECK(find(l, "did you mean 'no_data'"));
  }
  SUBCASE("in a health check") {
    auto l = load(edit("urls = [", "succeses = 3\nurls = ["));
    CHECK(find(l, "did you mean 'successes'"));
  }
  SUBCASE("keys of another router type") {
    auto l = load(edit("backend = \"app\"", "backend = \"app\"\nurl = \"http://x\""));
    auto* d = find(l, "'url' does not apply to router type \"haproxy\"");
    REQUIRE(d);
    CHECK(d->pos.line == 8);
  }
}

TEST_CASE("all errors of a file are reported, in file order") {
  std::string s = edit("hold = \"1h\"", "hold = \"1 hour\"");
  s = edit("weight = 100", "weight = 140", s);
  s = edit("unit = \"ratio\"", "unit = \"ration\"", s);
  auto l = load(s);
  INFO(dump(l));
  CHECK(errors(l) >= 3);
  CHECK(find(l, "1 hour"));
  CHECK(find(l, "between 0 and 100"));
  CHECK(find(l, "did you mean 'ratio'"));
  for (std::size_t i = 1; i < l.diagnostics.size(); ++i)
    CHECK(l.diagnostics[i - 1].pos.line <= l.diagnostics[i].pos.line);
  CHECK_FALSE(l.ok());
}

TEST_CASE("required sections and keys") {
  SUBCASE("no [router]") {
    std::string s = kBase;
    s.erase(s.find("[router]"), s.find("[metrics.prom]") - s.find("[router]"));
    auto l = load(s);
    CHECK(find(l, "missing [router]"));
    CHECK_FALSE(l.ok());
  }
  SUBCASE("no [rollout]") {
    auto l = load(edit("[rollout]\nname = \"svc\"\n", ""));
    CHECK(find(l, "missing [rollout]"));
  }
  SUBCASE("no name") {
    auto l = load(edit("name = \"svc\"\n", "description = \"x\"\n"));
    auto* d = find(l, "[rollout] needs 'name'");
    REQUIRE(d);
    CHECK(d->pos.line == 1);
  }
  SUBCASE("a name unfit for a directory") {
    auto l = load(edit("name = \"svc\"", "name = \"../etc\""));
    CHECK(find(l, "names the state directory"));
  }
  SUBCASE("no stage") {
    std::string s = kBase.substr(0, kBase.find("[[stage]]"));
    auto l = load(s);
    CHECK(find(l, "at least one stage"));
  }
  SUBCASE("[stage] instead of [[stage]]") {
    std::string s =
        kBase.substr(0, kBase.find("[[stage]]")) + "[stage]\nname = \"x\"\nweight = 100\n";
    auto l = load(s);
    CHECK(find(l, "write [[stage]], not [stage]"));
  }
  SUBCASE("a stage without a weight") {
    auto l = load(edit("weight = 5\n", ""));
    CHECK(find(l, "stage 'canary' needs 'weight'"));
  }
}

TEST_CASE("router fields each type needs") {
  SUBCASE("haproxy without backend") {
    auto l = load(edit("backend = \"app\"\n", ""));
    auto* d = find(l, "needs 'backend'");
    REQUIRE(d);
    CHECK(d->pos.line == 4);
  }
  SUBCASE("haproxy socket without scheme") {
    auto l = load(edit("\"unix:/tmp/haproxy.sock\"", "\"/tmp/haproxy.sock\""));
    auto* d = find(l, "unix:/path/to/admin.sock");
    REQUIRE(d);
    CHECK(d->pos.line == 6);
    CHECK(d->pos.col == 12);
  }
  SUBCASE("a server both stable and canary") {
    auto l = load(edit("canary = [\"b\"]", "canary = [\"a\"]"));
    CHECK(find(l, "both stable and canary"));
  }
  SUBCASE("http needs url") {
    std::string s = edit(
        "type = \"haproxy\"\nsockets = [\"unix:/tmp/haproxy.sock\"]\nbackend = \"app\"\nstable = "
        "[\"a\"]\ncanary = [\"b\"]",
        "type = \"http\"");
    auto l = load(s);
    CHECK(find(l, "[router] type = \"http\" needs 'url'"));
  }
  SUBCASE("http with url is fine and gets a default body") {
    std::string s = edit(
        "type = \"haproxy\"\nsockets = [\"unix:/tmp/haproxy.sock\"]\nbackend = \"app\"\nstable = "
        "[\"a\"]\ncanary = [\"b\"]",
        "type = \"http\"\nurl = \"http://127.0.0.1:1/w\"");
    auto l = load(s);
    INFO(dump(l));
    REQUIRE(l.ok());
    const auto* http = std::get_if<HttpRouterSpec>(&l.runbook->router);
    REQUIRE(http);
    CHECK(http->body.find("${weight.canary}") != std::string::npos);
    CHECK(http->method == "POST");
  }
  SUBCASE("exec needs command") {
    std::string s = edit(
        "type = \"haproxy\"\nsockets = [\"unix:/tmp/haproxy.sock\"]\nbackend = \"app\"\nstable = "
        "[\"a\"]\ncanary = [\"b\"]",
        "type = \"exec\"");
    auto l = load(s);
    CHECK(find(l, "[router] type = \"exec\" needs 'command'"));
  }
  SUBCASE("a misspelt router type") {
    auto l = load(edit("type = \"haproxy\"", "type = \"haproxi\""));
    auto* d = find(l, "did you mean 'haproxy'");
    REQUIRE(d);
    CHECK(d->pos.line == 5);
    CHECK(d->pos.col == 8);
  }
}

TEST_CASE("names must refer to what is defined") {
  SUBCASE("a gate naming an undefined check, at the check's column") {
    auto l = load(edit("\"error_rate < 1%\"", "\"eror_rate < 1%\""));
    auto* d = find(l, "unknown check 'eror_rate'");
    REQUIRE(d);
    CHECK(d->message.find("did you mean 'error_rate'") != std::string::npos);
    CHECK(d->pos.line == 32);
    CHECK(d->pos.col == 11);
  }
  SUBCASE("a check naming an undefined source") {
    auto l = load(edit("source = \"prom\"", "source = \"prometheus\""));
    auto* d = find(l, "unknown metric source 'prometheus'");
    REQUIRE(d);
    CHECK(d->pos.line == 16);
  }
  SUBCASE("a health step naming an undefined health check") {
    auto l = load(kBase + "before = [ { health = \"canry\" } ]\n");
    auto* d = find(l, "unknown health check 'canry'");
    REQUIRE(d);
    CHECK(d->message.find("did you mean 'canary'") != std::string::npos);
  }
}

TEST_CASE("enum values: misspellings get a did-you-mean at the value") {
  SUBCASE("on_breach") {
    auto l = load(kBase + "on_breach = \"rolback\"\n");
    auto* d = find(l, "did you mean 'rollback'");
    REQUIRE(d);
    CHECK(d->pos.line == 38);
    CHECK(d->pos.col == 13);
  }
  SUBCASE("advance") {
    auto l = load(kBase + "advance = \"manul\"\n");
    CHECK(find(l, "did you mean 'manual'"));
  }
  SUBCASE("no_data") {
    auto l = load(edit("unit = \"ratio\"", "unit = \"ratio\"\nno_data = \"pas\""));
    CHECK(find(l, "did you mean 'pass'"));
  }
  SUBCASE("metrics type") {
    auto l = load(edit("type = \"prometheus\"", "type = \"http_json\""));
    CHECK(find(l, "did you mean 'http-json'"));
  }
  SUBCASE("notify event") {
    auto l = load(kBase + "\n[[notify]]\nurl = \"http://127.0.0.1:1/\"\nevents = [\"breech\"]\n");
    CHECK(find(l, "unknown event 'breech' (did you mean 'breach'?)"));
  }
}

TEST_CASE("stage weights, holds and names") {
  SUBCASE("weight above 100") {
    auto l = load(edit("weight = 100", "weight = 101"));
    auto* d = find(l, "'weight' must be between 0 and 100");
    REQUIRE(d);
    CHECK(d->pos.line == 36);
    CHECK(d->pos.col == 10);
  }
  SUBCASE("negative weight") {
    auto l = load(edit("weight = 5", "weight = -1"));
    CHECK(find(l, "between 0 and 100"));
  }
  SUBCASE("fractional weight") {
    auto l = load(edit("weight = 5", "weight = 0.5"));
    CHECK(find(l, "whole percent"));
  }
  SUBCASE("duplicate stage names") {
    auto l = load(edit("name = \"full\"", "name = \"canary\""));
    auto* d = find(l, "duplicate stage name 'canary'");
    REQUIRE(d);
    CHECK(d->pos.line == 35);
    CHECK(d->message.find("line 29") != std::string::npos);
  }
  SUBCASE("bad durations") {
    auto l = load(edit("hold = \"1h\"", "hold = \"1hr\""));
    auto* d = find(l, "is not a duration");
    REQUIRE(d);
    CHECK(d->pos.line == 31);
    CHECK(d->pos.col == 8);
  }
  SUBCASE("a duration given as a number") {
    auto l = load(edit("hold = \"1h\"", "hold = 3600"));
    CHECK(find(l, "duration string"));
  }
  SUBCASE("a 'for' window longer than the hold") {
    auto l = load(edit("\"error_rate < 1%\"", "\"error_rate < 1% for 2h\""));
    auto* d = find(l, "longer than the stage's hold");
    REQUIRE(d);
    CHECK(d->pos.line == 32);
    CHECK(d->pos.col == 27);
  }
  SUBCASE("the last stage below 100% is a warning") {
    auto l = load(edit("weight = 100", "weight = 50"));
    CHECK(l.ok());
    auto* d = find(l, "the last stage 'full' leaves the new version at 50%");
    REQUIRE(d);
    CHECK(d->severity == Diagnostic::Severity::warning);
  }
}

TEST_CASE("gate units must fit the check's unit, reported at the unit") {
  SUBCASE("ms on a ratio") {
    auto l = load(edit("\"error_rate < 1%\"", "\"error_rate < 1ms\""));
    auto* d = find(l, "unit 'ms' does not fit check 'error_rate'");
    REQUIRE(d);
    CHECK(d->pos.line == 32);
    CHECK(d->pos.col == 25);
  }
  SUBCASE("an unknown unit") {
    auto l = load(edit("\"p99 < 200ms\"", "\"p99 < 200mss\""));
    auto* d = find(l, "unknown unit 'mss'");
    REQUIRE(d);
    CHECK(d->message.find("did you mean 'ms'") != std::string::npos);
  }
  SUBCASE("a bad operator") {
    auto l = load(edit("\"p99 < 200ms\"", "\"p99 = 200ms\""));
    CHECK(find(l, "is not a gate comparison"));
  }
}

TEST_CASE("steps: exactly one kind, with its own keys") {
  auto with_before = [](const std::string& steps) {
    return kBase.substr(0, kBase.find("\n[[stage]]\nname = \"full\"")) + "\nbefore = " + steps +
           "\n" + kBase.substr(kBase.find("\n[[stage]]\nname = \"full\""));
  };
  SUBCASE("every kind parses") {
    auto l = load(
        with_before("[ { weight = 0 }, { health = \"canary\" }, { gate = \"p99 < 1s\" },"
                    " { run = [\"echo\", \"hi\"], env = { A = \"1\" }, cwd = \"/tmp\", timeout = "
                    "\"10s\", expect_exit = [0, 1] },"
                    " { shell = \"echo a && echo b\" },"
                    " { kill = { pidfile = \"/run/x.pid\", signal = \"SIGINT\", grace = \"1s\" } },"
                    " { http = { url = \"http://127.0.0.1:1/\", method = \"PUT\", retries = 0 } },"
                    " { pause = \"10m\" }, { pause = \"manual\", approval_timeout = \"30m\", "
                    "on_timeout = \"rollback\" } ]"));
    INFO(dump(l));
    REQUIRE(l.ok());
    const auto& before = l.runbook->stages[0].before;
    REQUIRE(before.size() == 9);
    CHECK(std::string(step_kind(before[0].action)) == "weight");
    CHECK(std::get<GateStep>(before[2].action).gate.threshold == doctest::Approx(1.0));
    const auto& run = std::get<RunStep>(before[3].action);
    CHECK(run.env.at("A") == "1");
    CHECK(run.expect_exit == std::vector<int>{0, 1});
    CHECK(std::get<RunStep>(before[4].action).shell == "echo a && echo b");
    CHECK(std::get<RunStep>(before[4].action).argv.empty());
    CHECK(std::get<KillStep>(before[5].action).signal == "INT");
    CHECK(std::get<HttpStep>(before[6].action).method == "PUT");
    CHECK(std::get<PauseStep>(before[7].action).duration == std::chrono::minutes(10));
    CHECK_FALSE(std::get<PauseStep>(before[8].action).duration);
    CHECK(std::get<PauseStep>(before[8].action).approval_timeout == std::chrono::minutes(30));
  }
  SUBCASE("a misspelt kind") {
    auto l = load(with_before("[ { rn = [\"x\"] } ]"));
    auto* d = find(l, "unknown step kind 'rn'");
    REQUIRE(d);
    CHECK(d->message.find("did you mean 'run'") != std::string::npos);
    CHECK(d->pos.line == 34);
  }
  SUBCASE("no kind") {
    auto l = load(with_before("[ { budget = \"1m\" } ]"));
    CHECK(find(
        l, "says what to do with none of weight, health, gate, run, shell, kill, http or pause"));
  }
  SUBCASE("two kinds") {
    auto l = load(with_before("[ { run = [\"x\"], shell = \"y\" } ]"));
    CHECK(find(l, "says both 'run' and 'shell'"));
  }
  SUBCASE("a key of another kind") {
    auto l = load(with_before("[ { weight = 0, timeout = \"1s\" } ]"));
    CHECK(find(l, "'timeout' does not apply to a weight step"));
  }
  SUBCASE("a kill step needs exactly one target") {
    auto l = load(with_before("[ { kill = { name = \"a\", pattern = \"b\" } } ]"));
    CHECK(find(l, "exactly one of pidfile, name"));
  }
  SUBCASE("an unknown signal") {
    auto l = load(with_before("[ { kill = { name = \"a\", signal = \"TREM\" } } ]"));
    CHECK(find(l, "did you mean 'TERM'"));
  }
  SUBCASE("run must be an argv array") {
    auto l = load(with_before("[ { run = \"npm start\" } ]"));
    CHECK(find(l, "one element per argument"));
  }
  SUBCASE("a weight step out of range") {
    auto l = load(with_before("[ { weight = 200 } ]"));
    CHECK(find(l, "between 0 and 100"));
  }
  SUBCASE("pause with neither duration nor manual") {
    auto l = load(with_before("[ { pause = \"manaul\" } ]"));
    CHECK(find(l, "did you mean 'manual'"));
  }
}

TEST_CASE("templates") {
  SUBCASE("undefined ${vars.X} is an error at its column") {
    auto l = load(edit("url = \"http://127.0.0.1:9090\"", "url = \"${vars.prom}\""));
    auto* d = find(l, "${vars.prom} is not defined");
    REQUIRE(d);
    CHECK(d->pos.line == 13);
    CHECK(d->pos.col == 8);
  }
  SUBCASE("defined vars resolve; did-you-mean for near misses") {
    std::string s = edit("[router]", "[vars]\nprom = \"http://127.0.0.1:9090\"\n\n[router]");
    CHECK(load(edit("url = \"http://127.0.0.1:9090\"", "url = \"${vars.prom}\"", s)).ok());
    auto l = load(edit("url = \"http://127.0.0.1:9090\"", "url = \"${vars.prm}\"", s));
    CHECK(find(l, "did you mean 'prom'"));
  }
  SUBCASE("unknown namespace") {
    auto l = load(edit("query = \"p99\"", "query = \"p99{job=\\\"${var.job}\\\"}\""));
    auto* d = find(l, "unknown template ${var.job}");
    REQUIRE(d);
    CHECK(d->message.find("did you mean 'vars'") != std::string::npos);
  }
  SUBCASE("unset ${env.X}: a warning at validate, an error when required") {
    const std::string s = edit("url = \"http://127.0.0.1:9090\"", "url = \"${env.PROM_URL}\"");
    auto warn = load(s);
    CHECK(warn.ok());
    auto* d = find(warn, "${env.PROM_URL} is not set");
    REQUIRE(d);
    CHECK(d->severity == Diagnostic::Severity::warning);
    auto strict = load(s, no_env(), true);
    CHECK_FALSE(strict.ok());
    auto set = load(
        s, [](const std::string&) -> std::optional<std::string> { return "http://x"; }, true);
    CHECK(set.ok());
  }
  SUBCASE("${event.*} only in [[notify]]") {
    auto l = load(edit("query = \"p99\"", "query = \"${event.summary}\""));
    CHECK(find(l, "only known in a [[notify]]"));
    auto ok = load(kBase +
                   "\n[[notify]]\nurl = \"http://127.0.0.1:1/\"\nbody = \"${event.summary} "
                   "${rollout.name}\"\n");
    INFO(dump(ok));
    CHECK(ok.ok());
  }
  SUBCASE("runtime names are checked") {
    auto l = load(edit("query = \"p99\"", "query = \"${weight.new}\""));
    CHECK(find(l, "unknown template ${weight.new}"));
  }
  SUBCASE("a vars cycle") {
    std::string s = edit("[router]", "[vars]\na = \"${vars.b}\"\nb = \"${vars.a}\"\n\n[router]");
    auto l = load(s);
    CHECK(find(l, "refers back to itself"));
  }
  SUBCASE("$${ is a literal, not a template") {
    auto l = load(kBase + "before = [ { shell = \"echo $${HOME}\" } ]\n");
    INFO(dump(l));
    CHECK(l.ok());
  }
}

TEST_CASE("make_expander knows vars, env and the rollout name") {
  std::string s = edit("[router]", "[vars]\nbase = \"http://h/${rollout.name}\"\n\n[router]");
  auto l = load(s);
  REQUIRE(l.ok());
  auto ex = make_expander(*l.runbook, no_env());
  auto v = ex.expand("${vars.base}/x");
  REQUIRE(v.ok());
  CHECK(*v == "http://h/svc/x");
}

TEST_CASE("more rules: sources, checks, health, stages, rollback, notify") {
  SUBCASE("a source without a type") {
    auto l = load(edit("type = \"prometheus\"\n", ""));
    CHECK(find(l, "[metrics.prom] needs 'type'"));
  }
  SUBCASE("a key of another source type") {
    auto l = load(
        edit("url = \"http://127.0.0.1:9090\"", "url = \"http://127.0.0.1:9090\"\npath = \"/x\""));
    CHECK(find(l, "'path' does not apply to a \"prometheus\" source"));
  }
  SUBCASE("a JSON-pointer source needs a pointer") {
    auto l = load(edit("type = \"prometheus\"\nurl = \"http://127.0.0.1:9090\"",
                       "type = \"file\"\npath = \"/tmp/m.json\""));
    CHECK(find(l, "the query is a JSON pointer"));
  }
  SUBCASE("min_samples needs samples_query") {
    auto l = load(edit("unit = \"ratio\"", "unit = \"ratio\"\nmin_samples = 100"));
    CHECK(find(l, "'min_samples' needs 'samples_query'"));
  }
  SUBCASE("a health deadline that can never be met") {
    auto l =
        load(edit("urls = [", "successes = 5\ninterval = \"30s\"\ndeadline = \"1m\"\nurls = ["));
    auto* d = find(l, "could never pass");
    REQUIRE(d);
    CHECK(d->severity == Diagnostic::Severity::error);
  }
  SUBCASE("a health URL without scheme") {
    auto l = load(edit("\"http://127.0.0.1:8082/health\"", "\"127.0.0.1:8082/health\""));
    CHECK(find(l, "is not an http:// or https:// URL"));
  }
  SUBCASE("approval_timeout without manual advance is a warning") {
    auto l = load(kBase + "approval_timeout = \"1h\"\n");
    CHECK(l.ok());
    auto* d = find(l, "has no effect unless advance = \"manual\"");
    REQUIRE(d);
    CHECK(d->severity == Diagnostic::Severity::warning);
  }
  SUBCASE("a stage with less traffic than the one before is a warning") {
    auto l = load(kBase + "\n[[stage]]\nname = \"back\"\nweight = 10\n");
    auto* d = find(l, "sends less traffic (10%)");
    REQUIRE(d);
    CHECK(d->severity == Diagnostic::Severity::warning);
    CHECK(d->pos.line == 39);
  }
  SUBCASE("rollback step budgets over the rollback budget is a warning") {
    auto l = load(kBase +
                  "\n[rollback]\nbudget = \"1m\"\nsteps = [ { weight = 0, budget = \"45s\" }, { "
                  "health = \"canary\", budget = \"45s\" } ]\n");
    INFO(dump(l));
    CHECK(l.ok());
    CHECK(find(l, "add up to 1m30s, more than the rollback budget of 1m"));
    REQUIRE(l.runbook->rollback.steps.size() == 2);
    CHECK(l.runbook->rollback.budget == std::chrono::minutes(1));
  }
  SUBCASE("an unknown key in [rollback]") {
    auto l = load(kBase + "\n[rollback]\nstep = []\n");
    CHECK(find(l, "did you mean 'steps'"));
  }
  SUBCASE("notify defaults to the events people care about") {
    auto l = load(kBase + "\n[[notify]]\nurl = \"https://chat.example/hook\"\n");
    REQUIRE(l.ok());
    CHECK(l.runbook->notify[0].events ==
          std::vector<std::string>{"breach", "rollback_finished", "paused", "completed"});
    CHECK(l.runbook->notify[0].method == "POST");
  }
  SUBCASE("a misspelt HTTP method") {
    auto l = load(kBase + "\n[[notify]]\nurl = \"https://chat.example/hook\"\nmethod = \"PSOT\"\n");
    CHECK(find(l, "did you mean 'POST'"));
  }
}

TEST_CASE("a JSON body gets a JSON Content-Type unless one is given") {
  auto l = load(kBase +
                "\n[[notify]]\nurl = \"https://chat.example/hook\"\nbody = '{\"text\": \"x\"}'\n" +
                "\n[[notify]]\nurl = \"https://chat.example/hook\"\nbody = '{}'\nheaders = { "
                "content-type = \"text/plain\" }\n" +
                "\n[[notify]]\nurl = \"https://chat.example/hook\"\nbody = 'plain'\n");
  INFO(dump(l));
  REQUIRE(l.ok());
  CHECK(l.runbook->notify[0].headers.at("Content-Type") == "application/json");
  CHECK(l.runbook->notify[1].headers.size() == 1);
  CHECK(l.runbook->notify[1].headers.at("content-type") == "text/plain");
  CHECK(l.runbook->notify[2].headers.empty());
}

TEST_CASE("max_extend: a stage's duration, located when wrong") {
  SUBCASE("parsed; absent means the default") {
    auto l = load(edit("hold = \"1h\"", "hold = \"1h\"\nmax_extend = \"2m\""));
    INFO(dump(l));
    REQUIRE(l.ok());
    CHECK(errors(l) == 0);
    CHECK(l.runbook->stages[0].max_extend == std::chrono::minutes(2));
    CHECK_FALSE(l.runbook->stages[1].max_extend);
  }
  SUBCASE("not a duration: at the value") {
    auto l = load(edit("hold = \"1h\"", "hold = \"1h\"\nmax_extend = \"2 min\""));
    auto* d = find(l, "'max_extend' = \"2 min\" is not a duration");
    REQUIRE(d);
    CHECK(d->pos.line == 32);
    CHECK(d->pos.col == 14);
    CHECK_FALSE(l.ok());
  }
  SUBCASE("misspelt: did you mean") {
    auto l = load(edit("hold = \"1h\"", "hold = \"1h\"\nmax_extent = \"2m\""));
    auto* d = find(l, "unknown key 'max_extent'");
    REQUIRE(d);
    CHECK(d->message.find("did you mean 'max_extend'") != std::string::npos);
    CHECK(d->pos.line == 32);
  }
  SUBCASE("with on_breach = notify it has no effect: a warning") {
    auto l =
        load(edit("hold = \"1h\"", "hold = \"1h\"\non_breach = \"notify\"\nmax_extend = \"2m\""));
    CHECK(l.ok());
    auto* d = find(l, "'max_extend' has no effect");
    REQUIRE(d);
    CHECK(d->severity == Diagnostic::Severity::warning);
  }
}
