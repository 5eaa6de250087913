// The typed runbook: what the parser produces and everything downstream runs.
// Nothing outside lib/runbook/ reads TOML. Strings that may hold templates
// (${vars.X}, ${env.X}, ${weight.canary} …) are kept raw here and expanded at use
// (core/template.hpp), so secrets never sit resolved in the model.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/duration.hpp"
#include "core/outcome.hpp"
#include "runbook/pos.hpp"
#include "runbook/router_spec.hpp"
#include "runbook/source_spec.hpp"

namespace rollout::runbook {

using namespace std::chrono_literals;

enum class Unit { ratio, seconds, bytes, count };
enum class CompareOp { lt, le, gt, ge, eq, ne };
enum class OnBreach { rollback, pause, notify };
enum class OnInconclusive { rollback, pause, ignore };
enum class AdvanceMode { automatic, manual };
enum class OnTimeout { rollback, pause };
enum class OnInterrupt { pause, rollback };

struct Rollout {
  std::string name;
  std::string description;
  OnInterrupt on_interrupt = OnInterrupt::pause;
  Duration report_every = 5min;  // summary line cadence without a TTY
  Pos pos;
};

struct Check {
  std::string name;
  std::string source;  // a key of Runbook::metrics
  std::string query;   // PromQL, or a JSON pointer for http-json/file/exec
  Unit unit = Unit::count;
  Outcome no_data = Outcome::inconclusive;  // pass | fail | inconclusive
  // Optional: a query giving how many samples the value stands on (e.g. requests in
  // the window); fewer than min_samples makes the measurement inconclusive.
  std::string samples_query;
  int min_samples = 0;
  Pos pos;
};

struct Health {
  std::string name;
  std::vector<std::string> urls;
  int expect_status = 200;
  std::string expect_body;  // substring the body must contain, if set
  Duration interval = 1s;
  Duration timeout = 2s;  // per request
  int successes = 1;      // consecutive, on every url
  Duration deadline = 1min;
  bool insecure = false;
  Pos pos;
};

// How a gate is measured and judged. A stage's keys (or [analysis]'s) are the rules of
// all its gates; a gate written as an inline table overrides some of them. Limits are
// reached, not exceeded: failure_limit = 2 acts on the second failure in a row,
// max_failures = 3 on the third failure in all.
struct GateRules {
  Duration interval = 30s;
  int failure_limit = 1;       // failures in a row before acting
  int inconclusive_limit = 3;  // inconclusive measurements in a row
  int error_limit = 3;         // errors in a row
  int max_failures = 0;        // in all, over the stage's hold or the analysis; 0: no budget
  int max_inconclusive = 0;
  int max_errors = 0;
  OnBreach on_breach = OnBreach::rollback;
  std::optional<OnInconclusive> on_inconclusive;  // nullopt: as on_breach
  std::optional<Duration> initial_delay;          // to the first measurement; nullopt: interval
  int min_measurements = 0;                       // passes a stage needs before it may promote
  int consecutive_successes = 1;                  // passes in a row that end an early_pass hold
  bool dry_run = false;                           // measured and reported, never acted on
};

// CHECK OP VALUE[UNIT] [for DURATION]; threshold is in the check's base unit
// (ratio, seconds, bytes, count): "error_rate < 1%" has threshold 0.01. With == or !=
// the value may instead be true, false or a quoted string, which a JSON result is
// compared with: "healthy == true", "status == 'ok'".
struct Gate {
  std::string text;  // as written, for messages and reports
  std::string check;
  CompareOp op = CompareOp::lt;
  double threshold = 0;
  std::optional<std::string> word;  // "true", "false" or the string; threshold unused then
  std::optional<Duration> sustain;  // "for 1h": a breach counts once sustained this long
  // Set when the gate is an inline table: its stage's rules with its own keys applied.
  std::optional<GateRules> rules;
  Pos pos;
};

// The rules a gate is judged by: its own, or those of the stage or analysis it is in.
inline const GateRules& rules_of(const Gate& gate, const GateRules& owner) {
  return gate.rules ? *gate.rules : owner;
}
// Whether a breach of this gate can stop or hold up the rollout (not dry_run, not notify).
inline bool acts(const GateRules& r) {
  return !r.dry_run && r.on_breach != OnBreach::notify;
}

struct WeightStep {
  int canary = 0;  // percent of traffic to the new version
};
struct HealthStep {
  std::string health;  // a key of Runbook::health
};
struct GateStep {
  Gate gate;
};
struct RunStep {
  std::vector<std::string> argv;  // empty when shell is set
  std::string shell;              // run through /bin/sh -c only when the runbook says so
  std::map<std::string, std::string> env;
  std::string cwd;
  Duration timeout = 5min;
  std::vector<int> expect_exit{0};
  // A `before` step only: started, not waited for; the stage goes on, rollout watches it
  // and stops its process group when the stage ends (engine/stage_jobs.cpp).
  bool background = false;
  bool fail_on_exit = false;   // background: exiting while the stage runs acts as a breach
  bool timeout_given = false;  // background: `timeout` bounds its run only when set
  Duration grace = 5s;         // background: SIGTERM to its group, this long, then SIGKILL
};
struct KillStep {
  std::string pidfile;  // exactly one of pidfile, name, pattern
  std::string name;     // exact process name (comm)
  std::string pattern;  // matched against the full command line
  std::string signal = "TERM";
  Duration grace = 10s;   // then SIGKILL
  int max_processes = 5;  // more matches than this: nothing is signalled, the step fails
};
// A kill pattern matches anywhere in every process's command line: " " matched every
// process with an argument. A pattern needs this many characters besides blanks; checked
// at validate, and again before anything is signalled (a pattern from ${env.X} is known
// only then).
inline constexpr std::size_t kShortestKillPattern = 4;
std::size_t pattern_chars(std::string_view pattern);  // characters other than blanks

struct HttpStep {
  std::string url;
  std::string method = "POST";
  std::map<std::string, std::string> headers;
  std::string body;
  Duration timeout = 10s;
  int retries = 2;
  bool insecure = false;
};
struct PauseStep {
  std::optional<Duration> duration;  // nullopt: until `rollout advance`
  std::optional<Duration> approval_timeout;
  OnTimeout on_timeout = OnTimeout::rollback;
};

using Action =
    std::variant<WeightStep, HealthStep, GateStep, RunStep, KillStep, HttpStep, PauseStep>;

struct Step {
  Action action;
  std::optional<Duration> budget;  // rollback steps: time allowed, retried within it
  Pos pos;
};

struct Stage {
  std::string name;
  int weight = 0;
  Duration hold = 0ms;
  GateRules rules;  // interval, limits, budgets, on_breach …: the defaults of its gates
  std::vector<Gate> gates;
  // The hold may end before its time once every acting gate has passed its
  // consecutive_successes in a row (and min_measurements).
  bool early_pass = false;
  AdvanceMode advance = AdvanceMode::automatic;
  std::optional<Duration> approval_timeout;  // manual advance
  OnTimeout on_timeout = OnTimeout::pause;
  // manual advance: polled every interval while the stage waits for approval, a 200
  // approves (engine/approval.cpp); empty: only `rollout advance` approves. Templated.
  std::string approve_url;
  std::map<std::string, std::string> approve_headers;
  // How long a hold whose gates are not all passing at its end may wait for them, before
  // on_breach acts; nullopt: max_extend_of's default.
  std::optional<Duration> max_extend;
  std::vector<Step> before;
  std::vector<Step> after;
  Pos pos;
};

struct Notify {
  std::string url;
  std::string method = "POST";
  std::map<std::string, std::string> headers;
  std::vector<std::string> events;  // breach, rollback_finished, paused, completed, ...
  std::string body;
  Duration timeout = 10s;
  Pos pos;
};

struct Rollback {
  Duration budget = 5min;
  std::vector<Step> steps;  // default: [{ weight = 0 }]
  Pos pos;
};

// [analysis]: gates measured in the background from the start of stage `from` to the
// end of stage `until`, across stage boundaries and before/after steps: one run, one set
// of counters. Absent when the runbook has no [analysis].
struct Analysis {
  std::vector<Gate> gates;
  GateRules rules;
  std::string from;   // a stage name; default: the first stage with traffic
  std::string until;  // a stage name; default: the last stage
  int from_index = 0;
  int until_index = 0;
  Pos pos;
};

struct Runbook {
  std::string path;  // as given on the command line
  Rollout rollout;
  std::map<std::string, std::string> vars;    // raw values, may hold ${env.X}
  RouterSpec router = ExecRouterSpec{};       // runbook/router_spec.hpp
  std::map<std::string, SourceSpec> metrics;  // runbook/source_spec.hpp
  std::map<std::string, Check> checks;
  std::map<std::string, Health> health;
  std::vector<Stage> stages;
  std::optional<Analysis> analysis;
  std::vector<Notify> notify;
  Rollback rollback;
};

// Names as the runbook spells them, for messages and JSON.
const char* to_string(Unit);
const char* to_string(CompareOp);
const char* to_string(OnBreach);
const char* to_string(OnInconclusive);
const char* to_string(AdvanceMode);
const char* to_string(OnTimeout);
const char* to_string(OnInterrupt);
const char* step_kind(const Action&);  // "weight", "health", "gate", "run", ...

// The stage's max_extend, or its default: the largest, over its acting gates, of interval
// (at least 100 ms, as the engine measures) x the largest of its three limits and its
// min_measurements, plus its `for` window: long enough for any counter running at the end
// of the hold to reach its limit. 0 when no gate acts (nothing extends the hold).
// `analysis`, when the background analysis covers the stage: its acting gates count too.
Duration max_extend_of(const Stage& stage, const Analysis* analysis = nullptr);
// Whether any gate of the stage (or of the analysis covering it) can act, so hold up its
// promotion.
bool any_gate_acts(const Stage& stage, const Analysis* analysis = nullptr);
// Whether stage `stage_index` is within the analysis's from..until.
bool covers(const Analysis& a, int stage_index);
// What an inconclusive breach of a gate does: on_inconclusive, or else on_breach's.
OnBreach inconclusive_action(const GateRules& r);

}  // namespace rollout::runbook
