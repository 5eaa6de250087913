// Tests for core/template: ${vars.X}, ${env.X}, runtime values, escapes and errors.
#include <doctest/doctest.h>

#include "core/redact.hpp"
#include "core/template.hpp"

using namespace rollout;

namespace {
EnvLookup env_of(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    auto it = m.find(k);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}
}  // namespace

TEST_CASE("vars expand, also through other vars and the environment") {
  Expander ex({{"host", "127.0.0.1"}, {"url", "http://${vars.host}:${env.PORT}/"}},
              env_of({{"PORT", "9090"}}));
  auto v = ex.expand("GET ${vars.url}api");
  REQUIRE(v.ok());
  CHECK(*v == "GET http://127.0.0.1:9090/api");
}

TEST_CASE("runtime values given with with() expand; the original is unchanged") {
  Expander base({}, env_of({}));
  Expander ex = base.with("weight.canary", "10").with("weight.stable", "90");
  auto v = ex.expand("{\"stable\": ${weight.stable}, \"canary\": ${weight.canary}}");
  REQUIRE(v.ok());
  CHECK(*v == "{\"stable\": 90, \"canary\": 10}");
  CHECK_FALSE(base.expand("${weight.canary}").ok());
}

TEST_CASE("unknown names and unset env are errors that name them") {
  Expander ex({{"a", "1"}}, env_of({}));
  auto missing_var = ex.expand("${vars.b}");
  REQUIRE_FALSE(missing_var.ok());
  CHECK(missing_var.error().message.find("vars.b") != std::string::npos);
  auto unset = ex.expand("x ${env.NOPE_NOT_SET}");
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.error().message.find("env.NOPE_NOT_SET") != std::string::npos);
  auto bad_ns = ex.expand("${foo.bar}");
  REQUIRE_FALSE(bad_ns.ok());
  CHECK(bad_ns.error().message.find("foo.bar") != std::string::npos);
  CHECK_FALSE(ex.expand("${vars.a").ok());  // unterminated
}

TEST_CASE("a cycle through vars is an error, not a hang") {
  Expander ex({{"a", "${vars.b}"}, {"b", "${vars.a}"}}, env_of({}));
  auto v = ex.expand("${vars.a}");
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message.find("cycle") != std::string::npos);
}

TEST_CASE("$${ is a literal ${ and is not a reference") {
  Expander ex({}, env_of({}));
  auto v = ex.expand("echo $${HOME}");
  REQUIRE(v.ok());
  CHECK(*v == "echo ${HOME}");
  CHECK(template_refs("echo $${HOME} ${vars.x}") == std::vector<std::string>{"vars.x"});
}

TEST_CASE("expanded values are data: a value holding ${...} is not expanded again") {
  Expander ex({}, env_of({{"EVIL", "${vars.secret}"}}));
  auto v = ex.expand("${env.EVIL}");
  REQUIRE(v.ok());
  CHECK(*v == "${vars.secret}");
}

TEST_CASE("argv expansion keeps one element per argument, spaces included") {
  Expander ex({{"msg", "a b; rm -rf /"}}, env_of({}));
  auto v = ex.expand(std::vector<std::string>{"echo", "${vars.msg}"});
  REQUIRE(v.ok());
  CHECK(v->size() == 2);
  CHECK((*v)[1] == "a b; rm -rf /");
}

TEST_CASE("values read from the environment become secrets") {
  Expander ex({}, env_of({{"TOKEN_FOR_TEMPLATE_TEST", "s3cr3t-template-token"}}));
  auto v = ex.expand("Bearer ${env.TOKEN_FOR_TEMPLATE_TEST}");
  REQUIRE(v.ok());
  CHECK(secrets().redact(*v) == "Bearer ***");
}

TEST_CASE("template_refs lists references in order") {
  CHECK(template_refs("${vars.a}-${env.B}/${stage.name}") ==
        std::vector<std::string>{"vars.a", "env.B", "stage.name"});
  CHECK(template_refs("no templates").empty());
}

TEST_CASE("in a shell string every value is one single-quoted word; the text stays shell") {
  Expander ex({{"x", "a'b; $(touch /tmp/x) `id`\nnext"}, {"outer", "<${vars.x}>"}},
              env_of({{"EVIL", "'$(id)'"}}));
  auto v = ex.expand_shell("printf %s ${vars.x} | cat; echo ${env.EVIL} ${vars.outer} $${HOME}");
  REQUIRE(v.ok());
  CHECK(*v ==
        "printf %s 'a'\\''b; $(touch /tmp/x) `id`\nnext' | cat; echo ''\\''$(id)'\\''' "
        "'<a'\\''b; $(touch /tmp/x) `id`\nnext>' ${HOME}");
  CHECK(shell_quote("") == "''");
}

TEST_CASE("template_in_quotes finds a template the runbook's own quotes would unquote") {
  // '${x}' became ''value'': the value's own quotes ended the runbook's, and it ran.
  CHECK(template_in_quotes("echo '${vars.x}'") == 6u);
  CHECK(template_in_quotes("echo \"${vars.x}\"") == 6u);  // "…'$(cmd)'…" runs cmd
  CHECK(template_in_quotes("echo ${vars.x} 'literal' \"${weight.canary}\"") == 26u);
  CHECK_FALSE(template_in_quotes("echo ${vars.x} 'a' \"b\""));
  CHECK_FALSE(template_in_quotes("echo \\'${vars.x}"));   // an escaped quote opens nothing
  CHECK_FALSE(template_in_quotes("echo '$${literal}'"));  // $${ is no template
  CHECK_FALSE(template_in_quotes("printf \"it's\" ${vars.x}"));
}

TEST_CASE("expand_lenient: what has a value is expanded, the rest stays as written") {
  Expander ex({{"prom", "http://prom:9090"}, {"broken", "${vars.missing}"}}, env_of({}));
  const Expander e = ex.with("weight.canary", "10");
  CHECK(e.expand_lenient("${vars.prom}/q?c=${weight.canary}&s=${event.summary}") ==
        "http://prom:9090/q?c=10&s=${event.summary}");
  CHECK(e.expand_lenient("${vars.broken} ${env.UNSET} ${nope.x}") ==
        "${vars.broken} ${env.UNSET} ${nope.x}");
  CHECK(e.expand_lenient("$${HOME} and ${vars.prom") == "${HOME} and ${vars.prom");
  CHECK(e.expand_lenient("run ${weight.canary} ${event.type}", [](const std::string& v) {
    return "<" + v + ">";
  }) == "run <10> ${event.type}");
  CHECK_FALSE(e.expand("${event.summary}").ok());  // the strict expander still refuses
}
