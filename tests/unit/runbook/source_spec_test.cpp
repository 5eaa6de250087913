// Tests for runbook/source_spec and the source kinds' files: kinds as read from a runbook,
// the shared checker's diagnostics, plan lines and what a spec built in code lacks.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/template.hpp"
#include "helpers.hpp"
#include "runbook/source_spec.hpp"

using namespace rbtest;

namespace {
const std::string kProm = "type = \"prometheus\"\nurl = \"http://127.0.0.1:9090\"";
}

TEST_CASE("source kinds: read from [metrics.NAME] with their name, type and own keys") {
  auto l = load(edit(kProm, "type = \"file\"\npath = \"/tmp/m.json\"\ntimeout = \"1s\"",
                     edit("query = \"sum(rate(errors[1m]))\"", "query = \"/e\"",
                          edit("query = \"p99\"", "query = \"/p\""))));
  INFO(dump(l));
  REQUIRE(l.ok());
  const SourceSpec& s = l.runbook->metrics.at("prom");
  CHECK(std::string(type_name(s)) == "file");
  CHECK(pointer_query(s));
  CHECK(common(s).name == "prom");
  CHECK(common(s).timeout == Duration(1000));
  REQUIRE(std::get_if<FileSourceSpec>(&s));
  CHECK(std::get<FileSourceSpec>(s).path == "/tmp/m.json");
}

TEST_CASE("source kinds: the shared checker's diagnostics, at FILE:LINE:COL") {
  auto l = load(edit(kProm, kProm + "\npath = \"/x\""));
  auto* d = find(l, "does not apply");
  REQUIRE(d);
  CHECK(d->str() ==
        "rb.toml:14:1: error: 'path' does not apply to a \"prometheus\" source (it takes url, "
        "headers or insecure, timeout)");
  auto missing = load(edit(kProm, "url = \"http://127.0.0.1:9090\""));
  auto* m = find(missing, "needs 'type'");
  REQUIRE(m);
  CHECK(m->str() ==
        "rb.toml:11:1: error: [metrics.prom] needs 'type': \"prometheus\", \"http-json\", "
        "\"file\" or \"exec\"");
}

TEST_CASE("source kinds: plan lines, and what a spec built in code lacks") {
  const Expander ex({{"p", "http://prom"}}, no_env());
  PrometheusSourceSpec p;
  p.name = "prom";
  CHECK(incomplete(SourceSpec{p}) == "[metrics.prom] prometheus needs a url");
  p.url = "${vars.p}";
  CHECK_FALSE(incomplete(SourceSpec{p}));
  CHECK(plan_line(SourceSpec{p}, ex) == "prometheus http://prom (timeout 5s)");
  CHECK(plan_json(SourceSpec{p}, ex)["url"] == "http://prom");

  ExecSourceSpec e;
  e.name = "x";
  CHECK(incomplete(SourceSpec{e}) == "[metrics.x] exec needs a command");
  e.command = {"./m.sh", "a b"};
  CHECK(plan_line(SourceSpec{e}, ex) == "exec ./m.sh 'a b' (timeout 5s)");
  FileSourceSpec f;
  f.name = "f";
  CHECK(incomplete(SourceSpec{f}) == "[metrics.f] file needs a path");
  CHECK_FALSE(pointer_query(SourceSpec{PrometheusSourceSpec{}}));
  CHECK(pointer_query(SourceSpec{HttpJsonSourceSpec{}}));
}
