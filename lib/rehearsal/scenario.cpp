// Reading a scenario file with the runbook's reader: every problem a located diagnostic,
// unknown keys with a did-you-mean, and every name checked against the runbook rehearsed.
#include "rehearsal/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>

#include "core/suggest.hpp"
#include "core/template.hpp"
#include "runbook/prescan.hpp"
#include "runbook/reader.hpp"

namespace rollout::rehearsal {

namespace {

// "0.5", "12": a number written in quotes, most likely by mistake.
bool looks_numeric(const std::string& s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

using runbook::Diagnostic;
using runbook::Reader;

template <class Map>
std::vector<std::string> names_of(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

// What the runbook offers a scenario to name.
struct Names {
  const runbook::Runbook* book = nullptr;
  std::vector<std::string> stages;
  std::vector<std::string> commands;  // run and shell steps' command lines, raw and expanded
  std::vector<std::string> words;     // their arguments, for did-you-mean
  std::set<int> weights;              // every weight a stage or step sets

  explicit Names(const runbook::Runbook* b) : book(b) {
    if (!b) return;
    weights.insert(0);
    const Expander ex = runbook::make_expander(*b, [](const std::string&) {
      return std::optional<std::string>();  // ${env.X} stays raw: the match may name it
    });
    auto add_steps = [&](const std::vector<runbook::Step>& steps) {
      for (const auto& step : steps) {
        if (const auto* w = std::get_if<runbook::WeightStep>(&step.action))
          weights.insert(w->canary);
        const auto* run = std::get_if<runbook::RunStep>(&step.action);
        if (!run) continue;
        std::string line;
        for (const auto& a : run->argv) line += (line.empty() ? "" : " ") + a;
        if (!run->shell.empty()) line = run->shell;
        commands.push_back(line);
        if (auto e = ex.expand(line)) commands.push_back(*e);
        for (const auto& a : run->argv) words.push_back(a);
        if (!run->shell.empty()) words.push_back(run->shell);
      }
    };
    for (const auto& s : b->stages) {
      stages.push_back(s.name);
      weights.insert(s.weight);
      add_steps(s.before);
      add_steps(s.after);
    }
    add_steps(b->rollback.steps);
  }
};

void check_stage(const toml::table& t, const Names& names, Reader& r) {
  const toml::node* n = t.get("stage");
  if (!names.book || !n || !n->is_string()) return;
  const std::string& s = n->as_string()->get();
  if (std::find(names.stages.begin(), names.stages.end(), s) == names.stages.end())
    r.error(Reader::pos(*n), "unknown stage '" + s + "'" + did_you_mean(s, names.stages) +
                                 ": the runbook's stages are " + Reader::join(names.stages));
}

std::optional<Duration> at_of(const toml::table& t, const char* key, Reader& r) {
  auto d = r.duration(t, key);
  if (d && d->count() < 0) r.error(Reader::pos(*t.get(key)), std::string(key) + " is negative");
  return d;
}

void read_metrics(const toml::array& list, const Names& names, Scenario& sc, Reader& r) {
  for (const toml::node& m : list) {
    const toml::table* t = m.as_table();
    if (!t) {
      r.error(Reader::pos(m), "each [[metric]] must be a table, got " + Reader::type_name(m));
      continue;
    }
    r.known_keys(*t, {"check", "values"}, "[[metric]]");
    std::string check;
    if (r.require(*t, "check", "[[metric]]")) {
      if (auto c = r.string(*t, "check")) {
        check = *c;
        if (names.book && !names.book->checks.count(*c))
          r.error(Reader::pos(*t->get("check")),
                  "unknown check '" + *c + "'" + did_you_mean(*c, names_of(names.book->checks)) +
                      ": the runbook's checks are " + Reader::join(names_of(names.book->checks)));
      }
    }
    if (!r.require(*t, "values", "[[metric]]")) continue;
    const toml::array* values = r.array(*t, "values");
    if (!values) continue;
    for (const toml::node& v : *values) {
      const toml::table* vt = v.as_table();
      if (!vt) {
        r.error(Reader::pos(v), "each value is a table { at = \"10m\", value = 0.01 }, got " +
                                    Reader::type_name(v));
        continue;
      }
      r.known_keys(*vt, {"at", "stage", "value", "empty", "error"}, "a [[metric]] value");
      ScenarioPoint p;
      if (auto s = r.string(*vt, "stage")) p.stage = *s;
      check_stage(*vt, names, r);
      if (auto at = at_of(*vt, "at", r)) p.at = *at;
      int kinds = 0;
      if (const toml::node* val = vt->get("value")) {
        ++kinds;
        if (val->is_number())
          p.reading = Reading{Reading::Kind::value, *val->value<double>(), "scripted"};
        else if (val->is_boolean())  // what a JSON source reads for `healthy == true`
          p.reading = Reading{Reading::Kind::value, 0, "scripted",
                              val->as_boolean()->get() ? "true" : "false"};
        else if (val->is_string() && looks_numeric(val->as_string()->get()))
          r.error(Reader::pos(*val),
                  "'value' must be a number, got a string (write it without "
                  "quotes; a string is for a gate's == or !=)");
        else if (val->is_string())  // for `status == 'ok'`
          p.reading = Reading{Reading::Kind::value, 0, "scripted", val->as_string()->get()};
        else
          r.error(Reader::pos(*val), "'value' must be a number, true, false or a string, got " +
                                         Reader::type_name(*val));
      }
      if (auto e = r.boolean(*vt, "empty")) {
        ++kinds;
        if (!*e)
          r.error(Reader::pos(*vt->get("empty")),
                  "'empty = false' means nothing: leave it out, or write empty = true for no data");
        p.reading = Reading{Reading::Kind::empty, 0, "scripted: no data"};
      }
      if (auto e = r.string(*vt, "error")) {
        ++kinds;
        p.reading = Reading{Reading::Kind::error, 0, *e};
      }
      if (kinds != 1)
        r.error(Reader::pos(v),
                "a value needs exactly one of value = N, empty = true or "
                "error = \"...\"");
      sc.metrics[check].push_back(std::move(p));
    }
  }
}

void read_health(const toml::array& list, const Names& names, Scenario& sc, Reader& r) {
  for (const toml::node& h : list) {
    const toml::table* t = h.as_table();
    if (!t) {
      r.error(Reader::pos(h), "each [[health]] must be a table, got " + Reader::type_name(h));
      continue;
    }
    r.known_keys(*t, {"name", "stage", "at", "until"}, "[[health]]");
    HealthRule rule;
    if (r.require(*t, "name", "[[health]]")) {
      if (auto n = r.string(*t, "name")) {
        rule.name = *n;
        if (names.book && !names.book->health.count(*n))
          r.error(Reader::pos(*t->get("name")),
                  "unknown health check '" + *n + "'" +
                      did_you_mean(*n, names_of(names.book->health)) +
                      (names.book->health.empty()
                           ? ": the runbook has no [health.NAME]"
                           : ": the runbook's are " + Reader::join(names_of(names.book->health))));
      }
    }
    if (auto s = r.string(*t, "stage")) rule.stage = *s;
    check_stage(*t, names, r);
    if (auto at = at_of(*t, "at", r)) rule.at = *at;
    if (auto until = at_of(*t, "until", r)) {
      rule.until = *until;
      if (*until <= rule.at)
        r.error(Reader::pos(*t->get("until")),
                "'until' must be later than 'at': the health check would never fail");
    }
    sc.health.push_back(std::move(rule));
  }
}

void read_runs(const toml::array& list, const Names& names, Scenario& sc, Reader& r) {
  for (const toml::node& n : list) {
    const toml::table* t = n.as_table();
    if (!t) {
      r.error(Reader::pos(n), "each [[run]] must be a table, got " + Reader::type_name(n));
      continue;
    }
    r.known_keys(*t, {"match", "exit", "times", "takes"}, "[[run]]");
    RunRule rule;
    if (r.require(*t, "match", "[[run]]")) {
      if (auto m = r.string(*t, "match")) {
        rule.match = *m;
        const toml::node& at = *t->get("match");
        if (m->empty()) {
          r.error(Reader::pos(at), "'match' is empty: it would match every command");
        } else if (names.book) {
          bool found = false;
          for (const auto& c : names.commands) found = found || c.find(*m) != std::string::npos;
          if (!found)
            r.error(Reader::pos(at), "match \"" + *m +
                                         "\" is in no run or shell step of the runbook" +
                                         did_you_mean(*m, names.words) +
                                         (names.commands.empty() ? " (it has none)" : ""));
        }
      }
    }
    if (auto e = r.integer(*t, "exit", 0, 255)) rule.exit_code = static_cast<int>(*e);
    if (auto e = r.integer(*t, "times", 1, 1'000'000)) rule.times = static_cast<int>(*e);
    if (auto d = at_of(*t, "takes", r)) rule.takes = *d;
    sc.runs.push_back(std::move(rule));
  }
}

void read_router(const toml::table& t, const Names& names, Scenario& sc, Reader& r) {
  r.known_keys(t, {"refuse"}, "[router]");
  const toml::array* refuse = r.array(t, "refuse");
  if (!refuse) return;
  std::string set;
  for (int w : names.weights) set += (set.empty() ? "" : ", ") + std::to_string(w);
  for (const toml::node& w : *refuse) {
    if (!w.is_integer() || w.as_integer()->get() < 0 || w.as_integer()->get() > 100) {
      r.error(Reader::pos(w), "'refuse' holds canary weights, whole percents from 0 to 100");
      continue;
    }
    const int v = static_cast<int>(w.as_integer()->get());
    if (names.book && !names.weights.count(v))
      r.error(Reader::pos(w), "the rollout never sets weight " + std::to_string(v) +
                                  ", so refusing it rehearses nothing (it sets " + set + ")");
    sc.router_refuse.push_back(v);
  }
}

}  // namespace

ScenarioLoaded parse_scenario(std::string_view toml_text, const std::string& path,
                              const runbook::Runbook* book) {
  ScenarioLoaded out;
  auto parsed = runbook::parse_toml(toml_text, path, "scenario", out.diagnostics);
  if (!parsed) return out;
  const toml::table& root = *parsed;
  Reader r(path);
  const Names names(book);
  Scenario sc;
  r.known_keys(root, {"metric", "health", "run", "router"}, "the scenario");
  if (const toml::array* a = r.array(root, "metric")) read_metrics(*a, names, sc, r);
  if (const toml::array* a = r.array(root, "health")) read_health(*a, names, sc, r);
  if (const toml::array* a = r.array(root, "run")) read_runs(*a, names, sc, r);
  if (const toml::table* t = r.table(root, "router")) read_router(*t, names, sc, r);
  out.diagnostics = std::move(r.diagnostics);
  std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::pair(a.pos.line, a.pos.col) < std::pair(b.pos.line, b.pos.col);
                   });
  const bool failed =
      std::any_of(out.diagnostics.begin(), out.diagnostics.end(),
                  [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
  if (!failed) out.scenario = std::move(sc);
  return out;
}

ScenarioLoaded load_scenario(const std::string& path, const runbook::Runbook* book) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ScenarioLoaded out;
    out.diagnostics.push_back(
        {path, runbook::Pos{}, Diagnostic::Severity::error, "cannot read the scenario file"});
    return out;
  }
  // One byte past the limit is enough to refuse it.
  std::string text(runbook::kTextLimits.max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_scenario(text, path, book);
}

}  // namespace rollout::rehearsal
