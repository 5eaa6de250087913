// Step tables of `before`, `after` and `rollback.steps`: exactly one kind key
// (weight, health, gate, run, shell, kill, http, pause) plus the keys that kind takes.
#include <algorithm>

#include "core/suggest.hpp"
#include "core/template.hpp"
#include "runbook/parse.hpp"

namespace rollout::runbook {

namespace {

const std::vector<std::string> kKinds = {"weight", "health", "gate", "run",
                                         "shell",  "kill",   "http", "pause"};
const std::vector<std::string> kSignals = {"TERM", "INT", "HUP", "QUIT", "KILL", "USR1", "USR2"};

// Keys each kind takes besides its own; every step may have a budget.
std::vector<std::string> extra_keys(const std::string& kind) {
  if (kind == "run" || kind == "shell")
    return {"budget",      "env",        "cwd",          "timeout",
            "expect_exit", "background", "fail_on_exit", "grace"};
  if (kind == "pause") return {"budget", "approval_timeout", "on_timeout"};
  return {"budget"};
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A pattern needs kShortestKillPattern characters besides blanks (model.hpp); a name or
// pidfile must not be blank. Templates of [vars] are checked as they expand.

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

void check_kill_target(const toml::table& t, const Runbook& book, Reader& r) {
  const Expander vars_only(
      book.vars, [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  for (const char* key : {"pidfile", "name", "pattern"}) {
    const toml::node* n = t.get(key);
    if (!n || !n->is_string()) continue;
    std::string v = n->as_string()->get();
    if (v.find("${") != std::string::npos) {
      auto e = vars_only.expand(v);
      if (!e) continue;  // ${env.X} and friends: known only at run time
      v = *e;
    }
    const std::string shown = "'" + std::string(key) + "' = \"" + v + "\"";
    if (v.empty())
      r.error(Reader::pos(*n), "'" + std::string(key) + "' is empty: a kill step needs a target");
    else if (blank(v))
      r.error(Reader::pos(*n),
              std::string_view(key) == "pattern"
                  ? shown + " is blank: it would match every process with an argument"
                  : "'" + std::string(key) + "' is blank: a kill step needs a target");
    else if (std::string_view(key) == "pattern") {
      if (pattern_chars(v) < kShortestKillPattern)
        r.error(Reader::pos(*n), shown + " is shorter than " +
                                     std::to_string(kShortestKillPattern) +
                                     " characters (blanks aside): it would match processes "
                                     "it was not meant for");
    }
  }
}

std::optional<Action> parse_kill(const toml::node& n, const Runbook& book, Reader& r) {
  const toml::table* t = n.as_table();
  if (!t) {
    r.error(Reader::pos(n),
            "'kill' must be a table like { name = \"my_server\" }, got " + Reader::type_name(n));
    return std::nullopt;
  }
  r.known_keys(*t, {"pidfile", "name", "pattern", "signal", "grace", "max_processes"},
               "a kill step");
  KillStep k;
  int targets = 0;
  if (auto v = r.string(*t, "pidfile")) k.pidfile = *v, ++targets;
  if (auto v = r.string(*t, "name")) k.name = *v, ++targets;
  if (auto v = r.string(*t, "pattern")) k.pattern = *v, ++targets;
  check_kill_target(*t, book, r);
  if (targets != 1)
    r.error(Reader::pos(*t),
            "a kill step names its target with exactly one of pidfile, name "
            "(the process name) or pattern (matched against the command line)");
  if (const toml::node* s = t->get("signal")) {
    if (auto v = r.string(*t, "signal")) {
      std::string sig = *v;
      if (sig.rfind("SIG", 0) == 0) sig = sig.substr(3);
      if (!contains(kSignals, sig))
        r.error(Reader::pos(*s), "unknown signal \"" + *v + "\"" + did_you_mean(sig, kSignals) +
                                     ": expected " + Reader::join(kSignals));
      else
        k.signal = sig;
    }
  }
  if (auto d = r.duration(*t, "grace")) k.grace = *d;
  if (auto m = r.integer(*t, "max_processes", 1, 100000)) k.max_processes = static_cast<int>(*m);
  return k;
}

std::optional<Action> parse_http(const toml::node& n, Reader& r) {
  const toml::table* t = n.as_table();
  if (!t) {
    r.error(Reader::pos(n),
            "'http' must be a table like { url = \"https://...\" }, got " + Reader::type_name(n));
    return std::nullopt;
  }
  r.known_keys(*t, {"url", "method", "headers", "body", "timeout", "retries", "insecure"},
               "an http step");
  HttpStep h;
  if (r.require(*t, "url", "an http step")) {
    if (auto u = r.string(*t, "url")) {
      if (u->rfind("http://", 0) != 0 && u->rfind("https://", 0) != 0 && u->rfind("${", 0) != 0)
        r.error(Reader::pos(*t->get("url")), "\"" + *u + "\" is not an http:// or https:// URL");
      h.url = *u;
    }
  }
  if (auto m = r.string(*t, "method")) {
    const std::vector<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    if (!contains(methods, *m))
      r.error(Reader::pos(*t->get("method")), "'method' cannot be \"" + *m + "\"" +
                                                  did_you_mean(*m, methods) + ": expected " +
                                                  Reader::join(methods));
    else
      h.method = *m;
  }
  if (auto v = r.string_map(*t, "headers")) h.headers = *v;
  if (auto v = r.string(*t, "body")) h.body = *v;
  if (auto v = r.duration(*t, "timeout")) h.timeout = *v;
  if (auto v = r.integer(*t, "retries", 0, 100)) h.retries = static_cast<int>(*v);
  if (auto v = r.boolean(*t, "insecure")) h.insecure = *v;
  default_content_type(h.headers, h.body);
  return h;
}

// background, fail_on_exit and grace of a run step: a process the stage goes on beside,
// so only where a stage is there to watch it and stop it (its `before` steps).
void parse_background(const toml::table& t, const StepContext& ctx, RunStep& run, Reader& r) {
  if (auto b = r.boolean(t, "background")) {
    run.background = *b;
    if (*b && !ctx.background_allowed)
      r.error(Reader::pos(*t.get("background")),
              "'background' only applies to a stage's 'before' steps (the stage watches the "
              "process and stops it when it ends), not to " +
                  ctx.where);
  }
  if (auto f = r.boolean(t, "fail_on_exit")) {
    run.fail_on_exit = *f;
    if (!run.background)
      r.error(Reader::pos(*t.get("fail_on_exit")),
              "'fail_on_exit' only applies to background = true");
  }
  if (auto g = r.duration(t, "grace")) {
    run.grace = *g;
    if (!run.background)
      r.error(Reader::pos(*t.get("grace")), "'grace' only applies to background = true");
  }
  if (run.background && t.get("budget"))
    r.error(Reader::pos(*t.get("budget")), "'budget' does not apply to a background step");
}

std::optional<Action> parse_kind(const std::string& kind, const toml::table& t,
                                 const StepContext& ctx, Reader& r) {
  const toml::node& n = *t.get(kind);
  const Runbook& book = *ctx.book;
  if (kind == "weight") {
    if (n.is_floating_point() || !n.is_integer()) {
      r.error(Reader::pos(n),
              "'weight' must be a whole percent from 0 to 100, got " + Reader::type_name(n));
      return std::nullopt;
    }
    auto v = r.integer(t, "weight", 0, 100);
    if (!v) return std::nullopt;
    return WeightStep{static_cast<int>(*v)};
  }
  if (kind == "health") {
    auto v = r.string(t, "health");
    if (!v) return std::nullopt;
    if (!book.health.count(*v)) {
      r.error(Reader::pos(n),
              "unknown health check '" + *v + "'" + did_you_mean(*v, keys_of(book.health)) +
                  (book.health.empty() ? ": define it as [health." + *v + "]" : ""));
      return std::nullopt;
    }
    return HealthStep{*v};
  }
  if (kind == "gate") {
    std::vector<Gate> gates = parse_gate_node(n, book, r);
    if (gates.empty()) return std::nullopt;
    if (gates.size() > 1) {
      r.error(Reader::pos(n), "a gate step measures one gate: write a range as two gate steps");
      return std::nullopt;
    }
    if (gates[0].sustain)
      r.warning(Reader::pos(n), "'for' has no effect in a gate step: it is measured once");
    return GateStep{std::move(gates[0])};
  }
  if (kind == "run" || kind == "shell") {
    RunStep run;
    if (kind == "run") {
      auto argv = r.strings(t, "run");
      if (!argv) return std::nullopt;
      if (argv->empty()) {
        r.error(Reader::pos(n), "'run' is empty: give the program and its arguments");
        return std::nullopt;
      }
      run.argv = *argv;
    } else {
      auto sh = r.string(t, "shell");
      if (!sh) return std::nullopt;
      if (sh->empty()) {
        r.error(Reader::pos(n), "'shell' is empty");
        return std::nullopt;
      }
      run.shell = *sh;
      if (auto at = template_in_quotes(*sh))
        r.error(Reader::pos(*t.get("shell")),
                "a template inside quotes in 'shell' (at offset " + std::to_string(*at) +
                    ") would leave its value unquoted: write ${...} bare, rollout quotes it "
                    "as one word");
    }
    if (auto e = r.string_map(t, "env")) run.env = *e;
    if (auto c = r.string(t, "cwd")) run.cwd = *c;
    if (auto d = r.duration(t, "timeout")) run.timeout = *d;
    if (const toml::array* codes = r.array(t, "expect_exit")) {
      run.expect_exit.clear();
      for (const toml::node& c : *codes) {
        if (!c.is_integer() || c.as_integer()->get() < 0 || c.as_integer()->get() > 255)
          r.error(Reader::pos(c), "'expect_exit' holds exit codes from 0 to 255");
        else
          run.expect_exit.push_back(static_cast<int>(c.as_integer()->get()));
      }
      if (codes->empty()) r.error(Reader::pos(*t.get("expect_exit")), "'expect_exit' is empty");
    }
    run.timeout_given = t.get("timeout") != nullptr;
    parse_background(t, ctx, run, r);
    return run;
  }
  if (kind == "kill") return parse_kill(n, book, r);
  if (kind == "http") return parse_http(n, r);
  if (kind == "pause") {
    PauseStep p;
    if (!n.is_string()) {
      r.error(Reader::pos(n),
              "'pause' must be a duration like \"10m\" or \"manual\", got " + Reader::type_name(n));
      return std::nullopt;
    }
    const std::string& v = n.as_string()->get();
    if (v != "manual") {
      auto d = parse_duration(v);
      if (!d) {
        r.error(Reader::pos(n), "'pause' = \"" + v +
                                    "\" is neither a duration (like \"10m\") nor \"manual\"" +
                                    did_you_mean(v, {"manual"}));
        return std::nullopt;
      }
      p.duration = *d;
    }
    if (auto d = r.duration(t, "approval_timeout")) {
      if (p.duration)
        r.error(Reader::pos(*t.get("approval_timeout")),
                "'approval_timeout' only applies to pause = \"manual\"");
      p.approval_timeout = *d;
    }
    if (auto o = r.enumeration<OnTimeout>(
            t, "on_timeout", {{"rollback", OnTimeout::rollback}, {"pause", OnTimeout::pause}})) {
      if (!p.approval_timeout)
        r.warning(Reader::pos(*t.get("on_timeout")),
                  "'on_timeout' has no effect without 'approval_timeout'");
      p.on_timeout = *o;
    }
    return p;
  }
  return std::nullopt;
}

}  // namespace

std::vector<Step> parse_steps(const toml::array& list, const StepContext& ctx, Reader& r) {
  std::vector<Step> out;
  for (const toml::node& n : list) {
    const toml::table* t = n.as_table();
    if (!t) {
      r.error(Reader::pos(n), "each step in " + ctx.where +
                                  " must be a table like { run = [\"...\"] }, got " +
                                  Reader::type_name(n));
      continue;
    }
    std::vector<std::string> kinds;
    for (auto&& [k, v] : *t)
      if (contains(kKinds, std::string(k.str()))) kinds.emplace_back(k.str());
    // Unknown keys: with no kind, a stray key is most likely a misspelt kind.
    std::vector<std::string> allowed =
        kinds.size() == 1 ? extra_keys(kinds[0]) : std::vector<std::string>{"budget"};
    bool unknown = false;
    for (auto&& [k, v] : *t) {
      const std::string key(k.str());
      if (contains(kKinds, key) || contains(allowed, key)) continue;
      if (kinds.size() == 1 &&
          (contains(extra_keys("run"), key) || contains(extra_keys("pause"), key))) {
        r.error(Reader::pos(k), "'" + key + "' does not apply to a " + kinds[0] + " step" +
                                    " (it takes " + Reader::join(allowed) + ")");
      } else if (kinds.empty()) {
        std::vector<std::string> cands = kKinds;
        r.error(Reader::pos(k), "unknown step kind '" + key + "'" + did_you_mean(key, cands) +
                                    ": a step is one of " + Reader::join(kKinds));
      } else {
        std::vector<std::string> cands = allowed;
        cands.insert(cands.end(), kKinds.begin(), kKinds.end());
        r.error(Reader::pos(k),
                "unknown key '" + key + "' in a " + kinds[0] + " step" + did_you_mean(key, cands));
      }
      unknown = true;
    }
    if (kinds.empty()) {
      if (!unknown)
        r.error(Reader::pos(*t),
                "step in " + ctx.where + " says what to do with none of " + Reader::join(kKinds));
      continue;
    }
    if (kinds.size() > 1) {
      r.error(Reader::pos(*t), "a step does one thing, this one says both '" + kinds[0] +
                                   "' and '" + kinds[1] + "': split it into two steps");
      continue;
    }
    Step step;
    step.pos = Reader::pos(*t);
    if (auto b = r.duration(*t, "budget")) step.budget = *b;
    auto action = parse_kind(kinds[0], *t, ctx, r);
    if (!action) continue;
    step.action = std::move(*action);
    out.push_back(std::move(step));
  }
  return out;
}

}  // namespace rollout::runbook
