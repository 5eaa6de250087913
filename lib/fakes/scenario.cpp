// Reading a scenario file (toml++), with FILE:LINE:COL errors like the runbook's.
#include "fakes/scenario.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace rollout::fakes {

namespace {

std::string where(const std::string& path, const toml::node& node) {
  const auto& src = node.source();
  return fmt::format("{}:{}:{}", path, src.begin.line, src.begin.column);
}

Result<Duration> duration_at(const std::string& path, const toml::table& t, const char* key,
                             Duration fallback) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  auto s = n->value<std::string>();
  if (!s)
    return make_error(
        fmt::format("{}: {} must be a duration string like \"45m\"", where(path, *n), key));
  auto d = parse_duration(*s);
  if (!d) return make_error(fmt::format("{}: bad duration '{}'", where(path, *n), *s));
  return *d;
}

Result<void> check_keys(const std::string& path, const toml::table& t,
                        std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : t) {
    bool ok = false;
    for (auto a : allowed) ok = ok || a == k.str();
    if (!ok) return make_error(fmt::format("{}: unknown key '{}'", where(path, v), k.str()));
  }
  return {};
}

}  // namespace

Result<Scenario> parse_scenario(std::string_view toml_text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(toml_text, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return make_error(fmt::format("{}:{}:{}: {}", path, b.line, b.column, e.description()));
  }
  if (auto r = check_keys(path, root, {"metric", "health", "run", "router"}); !r) return r.error();
  Scenario sc;
  if (auto* metrics = root["metric"].as_array()) {
    for (auto& m : *metrics) {
      auto* t = m.as_table();
      if (!t) return make_error(path + ": [[metric]] must be tables");
      if (auto r = check_keys(path, *t, {"check", "values"}); !r) return r.error();
      auto check = (*t)["check"].value<std::string>();
      if (!check)
        return make_error(fmt::format("{}: [[metric]] needs check = \"NAME\"", where(path, m)));
      auto* values = (*t)["values"].as_array();
      if (!values)
        return make_error(fmt::format("{}: [[metric]] needs values = [...]", where(path, m)));
      for (auto& v : *values) {
        auto* vt = v.as_table();
        if (!vt)
          return make_error(
              fmt::format("{}: each value is a table {{ at = ..., value = ... }}", where(path, v)));
        if (auto r = check_keys(path, *vt, {"at", "stage", "value", "empty", "error"}); !r)
          return r.error();
        ScenarioPoint p;
        p.stage = (*vt)["stage"].value_or(std::string());
        auto at = duration_at(path, *vt, "at", Duration(0));
        if (!at) return at.error();
        p.at = *at;
        if (auto val = (*vt)["value"].value<double>()) {
          p.reading = Reading{Reading::Kind::value, *val, "scripted"};
        } else if ((*vt)["empty"].value_or(false)) {
          p.reading = Reading{Reading::Kind::empty, 0, "scripted: no data"};
        } else if (auto err = (*vt)["error"].value<std::string>()) {
          p.reading = Reading{Reading::Kind::error, 0, *err};
        } else {
          return make_error(fmt::format(
              "{}: a value needs value = N, empty = true or error = \"...\"", where(path, v)));
        }
        sc.metrics[*check].push_back(std::move(p));
      }
    }
  }
  if (auto* health = root["health"].as_array()) {
    for (auto& h : *health) {
      auto* t = h.as_table();
      if (!t) return make_error(path + ": [[health]] must be tables");
      if (auto r = check_keys(path, *t, {"name", "stage", "at", "until"}); !r) return r.error();
      HealthRule rule;
      auto name = (*t)["name"].value<std::string>();
      if (!name)
        return make_error(fmt::format("{}: [[health]] needs name = \"NAME\"", where(path, h)));
      rule.name = *name;
      rule.stage = (*t)["stage"].value_or(std::string());
      auto at = duration_at(path, *t, "at", Duration(0));
      if (!at) return at.error();
      rule.at = *at;
      if (t->get("until")) {
        auto until = duration_at(path, *t, "until", Duration(0));
        if (!until) return until.error();
        rule.until = *until;
      }
      sc.health.push_back(std::move(rule));
    }
  }
  if (auto* runs = root["run"].as_array()) {
    for (auto& r : *runs) {
      auto* t = r.as_table();
      if (!t) return make_error(path + ": [[run]] must be tables");
      if (auto k = check_keys(path, *t, {"match", "exit", "times", "takes"}); !k) return k.error();
      RunRule rule;
      auto match = (*t)["match"].value<std::string>();
      if (!match)
        return make_error(fmt::format("{}: [[run]] needs match = \"TEXT\"", where(path, r)));
      rule.match = *match;
      rule.exit_code = static_cast<int>((*t)["exit"].value_or(std::int64_t{1}));
      rule.times = static_cast<int>((*t)["times"].value_or(std::int64_t{-1}));
      auto takes = duration_at(path, *t, "takes", Duration(0));
      if (!takes) return takes.error();
      rule.takes = *takes;
      sc.runs.push_back(std::move(rule));
    }
  }
  if (auto* router = root["router"].as_table()) {
    if (auto r = check_keys(path, *router, {"refuse"}); !r) return r.error();
    if (auto* refuse = (*router)["refuse"].as_array())
      for (auto& w : *refuse)
        if (auto v = w.value<std::int64_t>()) sc.router_refuse.push_back(static_cast<int>(*v));
  }
  return sc;
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(path + ": cannot read the scenario file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path);
}

}  // namespace rollout::fakes
