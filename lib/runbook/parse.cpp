// Walking a runbook's TOML into the typed model. Sections are read in dependency order
// (sources before checks, checks and health before stages) so a name can be checked where
// it is used; every problem becomes a diagnostic and reading goes on. [router] and
// [metrics.NAME] are read by their kinds (router_spec.cpp, source_spec.cpp), [checks] and
// [health] in parse_checks.cpp, steps in steps.cpp.
#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "core/state_name.hpp"
#include "core/suggest.hpp"
#include "events/event_type.hpp"
#include "runbook/gate.hpp"
#include "runbook/gate_range.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/parse.hpp"

namespace rollout::runbook {

namespace {

const std::vector<std::string> kTopKeys = {"rollout", "vars",  "router",   "metrics", "checks",
                                           "health",  "stage", "analysis", "notify",  "rollback"};

// The event types a [[notify]] may subscribe to: events/event_type.hpp's one list.
const std::vector<std::string>& event_names() {
  static const std::vector<std::string> names(event_type_names().begin(), event_type_names().end());
  return names;
}

bool valid_rollout_name(const std::string& s) {
  if (s.empty() || s[0] == '.' || s[0] == '-' || s.size() > 100) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

}  // namespace

// A JSON body without a Content-Type header gets one: most APIs refuse JSON sent as
// application/x-www-form-urlencoded, and the runbook author clearly meant JSON.
void default_content_type(std::map<std::string, std::string>& headers, const std::string& body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (body[first] != '{' && body[first] != '[')) return;
  for (const auto& [k, v] : headers) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-type") return;
  }
  headers["Content-Type"] = "application/json";
}

namespace {

// --- [rollout] -------------------------------------------------------------------------

void parse_rollout(const toml::table& doc, Runbook& book, Reader& r) {
  const toml::node* n = doc.get("rollout");
  if (!n) {
    r.error(Pos{1, 1}, "missing [rollout] table: every runbook needs [rollout] name = \"...\"");
    return;
  }
  const toml::table* t = n->as_table();
  if (!t) {
    r.error(Reader::pos(*n), "'rollout' must be a table ([rollout]), got " + Reader::type_name(*n));
    return;
  }
  book.rollout.pos = Reader::pos(*t);
  r.known_keys(*t, {"name", "description", "on_interrupt", "report_every"}, "[rollout]");
  if (r.require(*t, "name", "[rollout]")) {
    if (auto name = r.string(*t, "name")) {
      if (!valid_rollout_name(*name))
        r.error(Reader::pos(*t->get("name")),
                "rollout name \"" + *name +
                    "\" must be letters, digits, '-', '_' or '.' (it names the state directory)");
      else if (is_dry_run_name(*name))
        r.error(Reader::pos(*t->get("name")),
                "rollout name \"" + *name +
                    "\" ends in '.dry-run': a dry run keeps its state in NAME.dry-run, so the two "
                    "would share a directory");
      book.rollout.name = *name;
    }
  }
  if (auto d = r.string(*t, "description")) book.rollout.description = *d;
  if (auto v = r.enumeration<OnInterrupt>(
          *t, "on_interrupt", {{"pause", OnInterrupt::pause}, {"rollback", OnInterrupt::rollback}}))
    book.rollout.on_interrupt = *v;
  if (auto d = r.duration(*t, "report_every")) book.rollout.report_every = *d;
}

// --- [vars] ----------------------------------------------------------------------------

void parse_vars(const toml::table& doc, Runbook& book, Reader& r, ParseExtras& extras) {
  const toml::table* t = r.table(doc, "vars");
  if (!t) return;
  r.scope = Scope::vars;
  for (auto&& [k, v] : *t) {
    const std::string name(k.str());
    extras.var_pos[name] = Reader::pos(k);
    if (v.is_string()) {
      book.vars[name] = v.as_string()->get();
      r.note_templates(v, book.vars[name]);
    } else if (v.is_integer()) {
      book.vars[name] = std::to_string(v.as_integer()->get());
    } else if (v.is_floating_point()) {
      book.vars[name] = fmt::format("{}", v.as_floating_point()->get());
    } else if (v.is_boolean()) {
      book.vars[name] = v.as_boolean()->get() ? "true" : "false";
    } else {
      r.error(Reader::pos(v),
              "vars." + name + " must be a string or a number, got " + Reader::type_name(v));
    }
  }
  r.scope = Scope::general;
}

// --- [[stage]] -------------------------------------------------------------------------

// A stage's own keys; rule_keys() are its too (the defaults of its gates).
const std::vector<std::string> kStageOnlyKeys = {
    "name",       "weight",           "hold",       "gates",       "early_pass",
    "advance",    "approval_timeout", "on_timeout", "approve_url", "approve_headers",
    "max_extend", "before",           "after"};

std::vector<std::string> stage_keys() {
  std::vector<std::string> keys = kStageOnlyKeys;
  keys.insert(keys.end(), rule_keys().begin(), rule_keys().end());
  return keys;
}

void parse_stages(const toml::table& doc, Runbook& book, Reader& r) {
  const toml::node* n = doc.get("stage");
  if (!n) {
    r.error(Pos{1, 1}, "no [[stage]]: a runbook needs at least one stage (name, weight, hold)");
    return;
  }
  const toml::array* list = n->as_array();
  if (!list) {
    r.error(Reader::pos(*n), "'stage' must be an array of tables: write [[stage]], not [stage]");
    return;
  }
  if (list->empty()) r.error(Reader::pos(*n), "no [[stage]]: a runbook needs at least one stage");
  std::map<std::string, Pos> seen;
  int index = 0;
  for (const toml::node& e : *list) {
    ++index;
    const toml::table* t = e.as_table();
    if (!t) {
      r.error(Reader::pos(e), "each stage must be a table, got " + Reader::type_name(e));
      continue;
    }
    Stage s;
    s.pos = Reader::pos(*t);
    std::string what = "[[stage]] #" + std::to_string(index);
    if (r.require(*t, "name", what)) {
      if (auto nm = r.string(*t, "name")) {
        s.name = *nm;
        const Pos p = Reader::pos(*t->get("name"));
        if (nm->empty()) r.error(p, "stage name is empty");
        if (auto it = seen.find(*nm); it != seen.end())
          r.error(p, "duplicate stage name '" + *nm + "' (first at line " +
                         std::to_string(it->second.line) + "): stage names must be unique");
        else
          seen[*nm] = p;
        what = "stage '" + *nm + "'";
      }
    }
    r.known_keys(*t, stage_keys(), what);
    if (r.require(*t, "weight", what)) {
      if (const toml::node* w = t->get("weight"); w && w->is_floating_point())
        r.error(Reader::pos(*w), "'weight' must be a whole percent from 0 to 100, got " +
                                     fmt::format("{}", w->as_floating_point()->get()));
      else if (auto v = r.integer(*t, "weight", 0, 100))
        s.weight = static_cast<int>(*v);
    }
    if (auto d = r.duration(*t, "hold")) s.hold = *d;
    if (auto b = r.boolean(*t, "early_pass")) s.early_pass = *b;
    parse_rules(*t, s.rules, r);  // parse_rules.cpp
    check_rules(*t, s.rules, s, r);
    if (auto v = r.enumeration<AdvanceMode>(
            *t, "advance", {{"auto", AdvanceMode::automatic}, {"manual", AdvanceMode::manual}}))
      s.advance = *v;
    if (auto d = r.duration(*t, "approval_timeout")) {
      s.approval_timeout = *d;
      if (s.advance != AdvanceMode::manual)
        r.warning(Reader::pos(*t->get("approval_timeout")),
                  "'approval_timeout' has no effect unless advance = \"manual\"");
    }
    if (auto v = r.enumeration<OnTimeout>(
            *t, "on_timeout", {{"rollback", OnTimeout::rollback}, {"pause", OnTimeout::pause}})) {
      s.on_timeout = *v;
      if (!s.approval_timeout)
        r.warning(Reader::pos(*t->get("on_timeout")),
                  "'on_timeout' has no effect without 'approval_timeout'");
    }
    parse_approve_url(*t, s, r);  // parse_approval.cpp
    if (auto d = r.duration(*t, "max_extend")) {
      s.max_extend = *d;
      if (s.rules.on_breach == OnBreach::notify)
        r.warning(Reader::pos(*t->get("max_extend")),
                  "'max_extend' has no effect with on_breach = \"notify\": a notify stage never "
                  "extends its hold");
    }
    if (const toml::array* gates = r.array(*t, "gates")) {
      for (const toml::node& g : *gates) {
        std::vector<Gate> parsed = parse_gate_node(g, book, r, &s.rules);
        if (parsed.empty()) continue;
        if (const toml::table* own = g.as_table()) check_rules(*own, *parsed[0].rules, s, r);
        // A `for` longer than the hold, told once for the expression (a range has two halves).
        const Gate& first = parsed.back();
        if (first.sustain && *first.sustain > s.hold) {
          const toml::node* expr = g.is_table() ? g.as_table()->get("gate") : &g;
          const std::string& written = expr->as_string()->get();
          const auto at = written.rfind("for");
          r.error(Reader::pos_in_string(*expr, at == std::string::npos ? 0 : at),
                  "'for " + format_duration(*first.sustain) +
                      "' is longer than the stage's hold (" + format_duration(s.hold) +
                      "): the gate could never count");
        }
        for (auto& gate : parsed) s.gates.push_back(std::move(gate));
      }
    }
    for (const char* phase : {"before", "after"}) {
      if (const toml::array* steps = r.array(*t, phase)) {
        StepContext ctx{&book, "'" + std::string(phase) + "' of " + what,
                        std::string_view(phase) == "before"};
        (std::string_view(phase) == "before" ? s.before : s.after) = parse_steps(*steps, ctx, r);
      }
    }
    book.stages.push_back(std::move(s));
  }
}

// --- [[notify]] ------------------------------------------------------------------------

void parse_notify(const toml::table& doc, Runbook& book, Reader& r) {
  const toml::node* n = doc.get("notify");
  if (!n) return;
  const toml::array* list = n->as_array();
  if (!list) {
    r.error(Reader::pos(*n), "'notify' must be an array of tables: write [[notify]], not [notify]");
    return;
  }
  r.scope = Scope::notify;
  for (const toml::node& e : *list) {
    const toml::table* t = e.as_table();
    if (!t) {
      r.error(Reader::pos(e), "each [[notify]] must be a table, got " + Reader::type_name(e));
      continue;
    }
    Notify nt;
    nt.pos = Reader::pos(*t);
    r.known_keys(*t, {"url", "method", "headers", "events", "body", "timeout"}, "[[notify]]");
    if (r.require(*t, "url", "[[notify]]")) {
      if (auto u = r.string(*t, "url")) {
        check_url(r, *t, "url", *u);
        nt.url = *u;
      }
    }
    if (auto m = read_method(r, *t)) nt.method = *m;
    if (auto h = r.string_map(*t, "headers")) nt.headers = *h;
    if (auto b = r.string(*t, "body")) nt.body = *b;
    if (auto d = r.duration(*t, "timeout")) nt.timeout = *d;
    default_content_type(nt.headers, nt.body);
    if (auto ev = r.strings(*t, "events")) {
      const auto& arr = *t->get("events")->as_array();
      for (std::size_t i = 0; i < ev->size(); ++i) {
        const std::string& name = (*ev)[i];
        if (std::find(event_names().begin(), event_names().end(), name) == event_names().end())
          r.error(Reader::pos(*arr.get(i)),
                  "unknown event '" + name + "'" + did_you_mean(name, event_names()) +
                      " (events: breach, rollback_finished, paused, completed, finished, ...)");
        else
          nt.events.push_back(name);
      }
    } else {
      nt.events = {"breach", "rollback_finished", "paused", "completed"};
    }
    book.notify.push_back(std::move(nt));
  }
  r.scope = Scope::general;
}

// --- [rollback] ------------------------------------------------------------------------

// A rollback moves traffic to the stable version. weight = 100 is the opposite: an error.
// 0 < N < 100 may be a deliberate drain (50 then 0, to spare a cold stable fleet), so it is
// a warning, but it names the stages it would move toward the canary from.
void check_rollback_direction(const Runbook& book, Reader& r) {
  for (const auto& step : book.rollback.steps) {
    const auto* w = std::get_if<WeightStep>(&step.action);
    if (!w || w->canary == 0) continue;
    const std::string head = "rollback step sets weight " + std::to_string(w->canary);
    if (w->canary == 100) {
      r.error(step.pos, head +
                            ": all traffic to the new version is the opposite of a rollback "
                            "(write weight = 0)");
      continue;
    }
    std::vector<std::string> below;
    for (const auto& s : book.stages)
      if (s.weight < w->canary)
        below.push_back("stage '" + s.name + "' (" + std::to_string(s.weight) + "%)");
    if (!below.empty())
      r.warning(step.pos, head + ": rolling back from " + Reader::join(below) +
                              " it moves traffic toward the new version (a rollback ends at "
                              "weight = 0)");
  }
}

void parse_rollback(const toml::table& doc, Runbook& book, Reader& r) {
  book.rollback.steps = {Step{WeightStep{0}, std::nullopt, Pos{}}};
  const toml::node* n = doc.get("rollback");
  if (!n) return;
  const toml::table* t = n->as_table();
  if (!t) {
    r.error(Reader::pos(*n),
            "'rollback' must be a table ([rollback]), got " + Reader::type_name(*n));
    return;
  }
  book.rollback.pos = Reader::pos(*t);
  r.known_keys(*t, {"budget", "steps"}, "[rollback]");
  if (auto d = r.duration(*t, "budget")) book.rollback.budget = *d;
  if (const toml::array* steps = r.array(*t, "steps")) {
    if (steps->empty())
      r.warning(Reader::pos(*t->get("steps")),
                "rollback has no steps: a breach would leave traffic where it is");
    // A rollback runs outside any stage: ${stage.*} would have no value there.
    r.scope = Scope::rollback;
    book.rollback.steps = parse_steps(*steps, StepContext{&book, "[rollback] steps"}, r);
    r.scope = Scope::general;
    check_rollback_direction(book, r);
    Duration sum{0};
    for (const auto& s : book.rollback.steps)
      if (s.budget) sum += *s.budget;
    if (sum > book.rollback.budget)
      r.warning(Reader::pos(*t->get("steps")),
                "the steps' budgets add up to " + format_duration(sum) +
                    ", more than the rollback budget of " + format_duration(book.rollback.budget));
  }
}

}  // namespace

namespace {

// One gate expression, `text`, written in string node `n`; `at` maps an offset in `text`
// to where that character is in the string as written (they differ for a range's halves).
std::optional<Gate> parse_one_gate(const toml::node& n, const std::string& text,
                                   const std::function<std::size_t(std::size_t)>& at,
                                   const Runbook& book, Reader& r) {
  auto syn = parse_gate_syntax(text);
  if (!syn.gate) {
    r.error(Reader::pos_in_string(n, at(syn.error_offset)), syn.error);
    return std::nullopt;
  }
  auto it = book.checks.find(syn.gate->check);
  if (it == book.checks.end()) {
    r.error(Reader::pos_in_string(n, at(syn.gate->check_offset)),
            "unknown check '" + syn.gate->check + "'" +
                did_you_mean(syn.gate->check, keys_of(book.checks)) +
                (book.checks.empty() ? ": define it as [checks." + syn.gate->check + "]" : ""));
    return std::nullopt;
  }
  Gate g;
  if (syn.gate->word) {
    // Only a JSON document has values that are not numbers.
    const auto src = book.metrics.find(it->second.source);
    if (src != book.metrics.end() && std::holds_alternative<PrometheusSourceSpec>(src->second)) {
      r.error(Reader::pos_in_string(n, at(syn.gate->value_offset)),
              "check '" + syn.gate->check +
                  "' comes from Prometheus, which answers with numbers: compare it with a "
                  "number");
      return std::nullopt;
    }
    g.word = syn.gate->word;
  } else {
    auto th = gate_threshold(*syn.gate, it->second.unit);
    if (!th.value) {
      r.error(Reader::pos_in_string(n, at(th.error_offset)), th.error);
      return std::nullopt;
    }
    g.threshold = *th.value;
  }
  g.text = text;
  g.check = syn.gate->check;
  g.op = syn.gate->op;
  g.sustain = syn.gate->sustain;
  g.pos = Reader::pos_in_string(n, at(0));
  return g;
}

// "LOW <= CHECK <= HIGH": its two halves, or nothing (and the error) when either is wrong
// or the range holds no value.
std::vector<Gate> parse_range(const toml::node& n, const RangeSplit& range, const Runbook& book,
                              Reader& r) {
  if (!range.lower || !range.upper) {
    r.error(Reader::pos_in_string(n, range.error_offset), range.error);
    return {};
  }
  const GateHalf& lo_half = *range.lower;
  const GateHalf& hi_half = *range.upper;
  auto lo = parse_one_gate(
      n, lo_half.text, [&](std::size_t k) { return lo_half.at(k); }, book, r);
  auto hi = parse_one_gate(
      n, hi_half.text, [&](std::size_t k) { return hi_half.at(k); }, book, r);
  if (!lo || !hi) return {};
  const bool closed = lo->op == CompareOp::ge && hi->op == CompareOp::le;
  if (lo->threshold > hi->threshold || (lo->threshold == hi->threshold && !closed)) {
    r.error(Reader::pos_in_string(n, 0),
            "the range '" + n.as_string()->get() + "' holds no value: the lower bound comes first");
    return {};
  }
  return {std::move(*lo), std::move(*hi)};
}

}  // namespace

std::vector<Gate> parse_gate_node(const toml::node& n, const Runbook& book, Reader& r,
                                  const GateRules* owner) {
  if (const toml::table* t = n.as_table(); t && owner) {
    std::vector<std::string> keys = rule_keys();
    keys.insert(keys.begin(), "gate");
    r.known_keys(*t, keys, "the gate's table");
    const toml::node* text = t->get("gate");
    if (!text) {
      r.error(Reader::pos(n),
              "a gate table needs 'gate', the expression: { gate = \"error_rate < 1%\", ... }");
      return {};
    }
    auto gates = parse_gate_node(*text, book, r);
    GateRules rules = *owner;
    parse_rules(*t, rules, r);
    for (auto& g : gates) g.rules = rules;
    return gates;
  }
  if (!n.is_string()) {
    r.error(Reader::pos(n), std::string("a gate must be a string like \"error_rate < 1%\"") +
                                (owner ? " or a table { gate = \"...\", interval = ... }" : "") +
                                ", got " + Reader::type_name(n));
    return {};
  }
  const std::string& text = n.as_string()->get();
  if (auto range = split_range(text)) return parse_range(n, *range, book, r);
  auto g = parse_one_gate(
      n, text, [](std::size_t k) { return k; }, book, r);
  if (!g) return {};
  return {std::move(*g)};
}

Runbook parse_document(const toml::table& doc, Reader& r, ParseExtras& extras) {
  Runbook book;
  r.known_keys(doc, kTopKeys, "the runbook");
  parse_rollout(doc, book, r);
  parse_vars(doc, book, r, extras);
  parse_router(doc, book, r);
  parse_metrics(doc, book, r);
  parse_checks(doc, book, r);  // parse_checks.cpp
  parse_health(doc, book, r);
  parse_stages(doc, book, r);
  parse_analysis(doc, book, r);  // parse_analysis.cpp
  parse_notify(doc, book, r);
  parse_rollback(doc, book, r);
  return book;
}

}  // namespace rollout::runbook
