// Each payload to and from its journal keys (payloads.hpp). Writing keeps today's keys and
// values; reading never trusts the line: a missing or mistyped key reads as the default.
#include <cmath>

#include "events/event.hpp"

namespace rollout::events {

namespace {

using nlohmann::json;

// Tolerant reads of one object's keys.
struct Fields {
  const json& j;

  const json* find(const char* key) const {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
  }
  std::string str(const char* key) const {
    const json* v = find(key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
  }
  bool boolean(const char* key, bool fallback) const {
    const json* v = find(key);
    return v && v->is_boolean() ? v->get<bool>() : fallback;
  }
  std::optional<std::int64_t> opt_int(const char* key) const {
    const json* v = find(key);
    if (!v || !v->is_number()) return std::nullopt;
    return v->get<std::int64_t>();
  }
  std::int64_t int64(const char* key, std::int64_t fallback = 0) const {
    return opt_int(key).value_or(fallback);
  }
  int integer(const char* key, int fallback = 0) const {
    return static_cast<int>(int64(key, fallback));
  }
  std::optional<double> opt_double(const char* key) const {
    const json* v = find(key);
    if (!v || !v->is_number()) return std::nullopt;
    return v->get<double>();
  }
  std::vector<std::string> strings(const char* key) const {
    std::vector<std::string> out;
    if (const json* v = find(key); v && v->is_array())
      for (const auto& s : *v)
        if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
  }
  template <typename E>
  E word(const char* key) const {
    return from_string(str(key), E{});
  }
};

json opt(const std::optional<std::int64_t>& v) {
  return v ? json(*v) : json(nullptr);
}

void put_if(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

// ---- writing ---------------------------------------------------------------------------

json write(const RolloutStarted& p) {
  json stages = json::array();
  for (const auto& s : p.stages)
    stages.push_back({{"name", s.name}, {"weight", s.weight}, {"hold_ms", s.hold_ms}});
  json j = {{"runbook", p.runbook}, {"name", p.name}, {"dry_run", p.dry_run},
            {"resumed", p.resumed}, {"by", p.by},     {"stages", std::move(stages)}};
  put_if(j, "from_stage", p.from_stage);
  return j;
}
json write(const Preflight& p) {
  json list = json::array();
  for (const auto& c : p.checks)
    list.push_back({{"what", c.what}, {"ok", c.ok}, {"detail", c.detail}});
  return {{"ok", p.ok}, {"checks", std::move(list)}};
}
json write(const StageStarted& p) {
  return {{"index", p.index},
          {"weight", p.weight},
          {"hold_ms", p.hold_ms},
          {"interval_ms", p.interval_ms}};
}
json write(const StepStarted& p) {
  return {{"phase", to_string(p.phase)},
          {"index", p.index},
          {"kind", p.kind},
          {"description", p.description}};
}
json write(const StepFinished& p) {
  json j = {{"phase", to_string(p.phase)},  {"index", p.index}, {"kind", p.kind},
            {"description", p.description}, {"ok", p.ok},       {"duration_ms", p.duration_ms}};
  put_if(j, "detail", p.detail);
  put_if(j, "output", p.output);
  return j;
}
json write(const WeightSet& p) {
  json j = {{"stable", p.stable}, {"canary", p.canary}, {"ok", p.ok}};
  put_if(j, "detail", p.detail);
  return j;
}
json write(const HoldStarted& p) {
  return {{"hold_ms", p.hold_ms}, {"remaining_ms", p.remaining_ms}};
}
json write(const GateMeasured& p) {
  const bool finite = p.value && std::isfinite(*p.value);
  json j = {{"gate", p.gate},           {"check", p.check},
            {"query", p.query},         {"value", number_or_null(p.value)},
            {"threshold", p.threshold}, {"op", p.op},
            {"unit", p.unit},           {"outcome", outcome_word(p.outcome)},
            {"fails", p.fails},         {"inconclusives", p.inconclusives},
            {"errors", p.errors}};
  if (p.value && !finite) j["non_finite"] = std::string(non_finite_word(*p.value));
  put_if(j, "detail", p.detail);
  // Counts in all are written only once they are not 0: most lines of a healthy rollout
  // then carry just `successes` and `passes`.
  const auto put_count = [&](const char* key, int v) {
    if (v != 0) j[key] = v;
  };
  put_count("successes", p.successes);
  put_count("passes", p.passes);
  put_count("total_fails", p.total_fails);
  put_count("total_inconclusives", p.total_inconclusives);
  put_count("total_errors", p.total_errors);
  if (p.dry_run) j["dry_run"] = true;
  if (p.analysis) j["analysis"] = true;
  if (!p.expected.empty()) j["expected"] = p.expected;
  if (!p.word.empty()) j["word"] = p.word;
  return j;
}
json write(const Breach& p) {
  json j = {{"gate", p.gate},
            {"counter", to_string(p.counter)},
            {"limit", p.limit},
            {"action", p.action}};
  if (p.max_extend_ms) j["max_extend_ms"] = *p.max_extend_ms;
  if (p.analysis) j["analysis"] = true;
  return j;
}
json write(const PassedEarly& p) {
  return {{"skipped_ms", p.skipped_ms}, {"successes", p.successes}};
}
json write(const AwaitingApproval& p) {
  return {{"timeout_ms", opt(p.timeout_ms)}};
}
json write(const Advanced& p) {
  return {{"by", p.by}, {"skipped_ms", p.skipped_ms}};
}
json write(const Paused& p) {
  return {{"reason", p.reason}};
}
json write(const AbortRequested& p) {
  return {{"by", p.by}, {"reason", p.reason}};
}
json write(const Interrupted& p) {
  return {{"signal", p.signal}, {"action", to_string(p.action)}};
}
json write(const StageCompleted& p) {
  json j = {{"duration_ms", p.duration_ms}};
  if (p.measurements) j["measurements"] = *p.measurements;
  return j;
}
json write(const RollbackStarted& p) {
  return {{"reason", p.reason}, {"trigger", to_string(p.trigger)}, {"budget_ms", opt(p.budget_ms)}};
}
json write(const RollbackStep& p) {
  json j = {{"index", p.index},
            {"kind", p.kind},
            {"description", p.description},
            {"ok", p.ok},
            {"duration_ms", p.duration_ms},
            {"budget_ms", opt(p.budget_ms)},
            {"attempts", p.attempts}};
  put_if(j, "detail", p.detail);
  put_if(j, "output", p.output);
  return j;
}
json write(const RollbackFinished& p) {
  json j = {{"ok", p.ok},
            {"duration_ms", p.duration_ms},
            {"budget_ms", opt(p.budget_ms)},
            {"undone", p.undone}};
  j["over_budget"] = p.over_budget ? json(*p.over_budget) : json(nullptr);
  return j;
}
json write(const Completed& p) {
  return {{"duration_ms", p.duration_ms}};
}
json write(const ProcessStarted& p) {
  return {{"description", p.description},
          {"pid", p.pid},
          {"pgid", p.pgid},
          {"fail_on_exit", p.fail_on_exit},
          {"timeout_ms", opt(p.timeout_ms)},
          {"grace_ms", p.grace_ms}};
}
json write(const ProcessExited& p) {
  json j = {{"description", p.description},
            {"pid", p.pid},
            {"exit_code", p.exit_code ? json(*p.exit_code) : json(nullptr)},
            {"signal", p.signal},
            {"stopped", p.stopped},
            {"timed_out", p.timed_out},
            {"leftover", p.leftover}};
  put_if(j, "output", p.output);
  return j;
}
json write(const AnalysisStarted& p) {
  return {{"from", p.from}, {"until", p.until}, {"gates", p.gates}, {"interval_ms", p.interval_ms}};
}
json write(const AnalysisFinished& p) {
  return {{"measurements", p.measurements}, {"passing", p.passing}};
}
json write(const Warning& p) {
  return {{"message", p.message}};
}
json write(const Finished& p) {
  return {{"outcome", to_string(p.outcome)}, {"exit_code", p.exit_code}, {"reason", p.reason}};
}

// ---- reading ---------------------------------------------------------------------------

template <typename T>
T read(const Fields& f);

template <>
RolloutStarted read(const Fields& f) {
  RolloutStarted p;
  p.runbook = f.str("runbook");
  p.name = f.str("name");
  p.dry_run = f.boolean("dry_run", false);
  p.resumed = f.boolean("resumed", false);
  p.from_stage = f.str("from_stage");
  p.by = f.str("by");
  if (const json* s = f.find("stages"); s && s->is_array())
    for (const auto& one : *s) {
      const Fields sf{one};
      p.stages.push_back({sf.str("name"), sf.integer("weight"), sf.int64("hold_ms")});
    }
  return p;
}
template <>
Preflight read(const Fields& f) {
  Preflight p;
  p.ok = f.boolean("ok", true);
  if (const json* c = f.find("checks"); c && c->is_array())
    for (const auto& one : *c) {
      const Fields cf{one};
      p.checks.push_back({cf.str("what"), cf.boolean("ok", false), cf.str("detail")});
    }
  return p;
}
template <>
StageStarted read(const Fields& f) {
  return {f.integer("index"), f.integer("weight"), f.int64("hold_ms"), f.int64("interval_ms")};
}
template <>
StepStarted read(const Fields& f) {
  return {f.word<StepPhase>("phase"), f.integer("index"), f.str("kind"), f.str("description")};
}
template <>
StepFinished read(const Fields& f) {
  return {f.word<StepPhase>("phase"), f.integer("index"),     f.str("kind"),   f.str("description"),
          f.boolean("ok", false),     f.int64("duration_ms"), f.str("detail"), f.str("output")};
}
template <>
WeightSet read(const Fields& f) {
  return {f.integer("stable", 100), f.integer("canary", 0), f.boolean("ok", false),
          f.str("detail")};
}
template <>
HoldStarted read(const Fields& f) {
  const std::int64_t hold = f.int64("hold_ms");
  return {hold, f.int64("remaining_ms", hold)};
}
template <>
GateMeasured read(const Fields& f) {
  GateMeasured p;
  p.gate = f.str("gate");
  p.check = f.str("check");
  p.query = f.str("query");
  p.value = f.opt_double("value");
  if (!p.value) {
    const std::string word = f.str("non_finite");
    if (word == "NaN") p.value = std::nan("");
    if (word == "+Inf") p.value = HUGE_VAL;
    if (word == "-Inf") p.value = -HUGE_VAL;
  }
  p.threshold = f.opt_double("threshold").value_or(0);
  p.op = f.str("op");
  p.unit = f.str("unit");
  p.outcome = outcome_from_string(f.str("outcome"));
  p.detail = f.str("detail");
  p.fails = f.integer("fails");
  p.inconclusives = f.integer("inconclusives");
  p.errors = f.integer("errors");
  p.successes = f.integer("successes");
  p.passes = f.integer("passes");
  p.total_fails = f.integer("total_fails");
  p.total_inconclusives = f.integer("total_inconclusives");
  p.total_errors = f.integer("total_errors");
  p.dry_run = f.boolean("dry_run", false);
  p.analysis = f.boolean("analysis", false);
  p.expected = f.str("expected");
  p.word = f.str("word");
  return p;
}
template <>
Breach read(const Fields& f) {
  return {f.str("gate"),    f.word<BreachCounter>("counter"),
          f.int64("limit"), f.opt_int("max_extend_ms"),
          f.str("action"),  f.boolean("analysis", false)};
}
template <>
PassedEarly read(const Fields& f) {
  return {f.int64("skipped_ms"), f.integer("successes")};
}
template <>
AwaitingApproval read(const Fields& f) {
  return {f.opt_int("timeout_ms")};
}
template <>
Advanced read(const Fields& f) {
  return {f.str("by"), f.int64("skipped_ms")};
}
template <>
Paused read(const Fields& f) {
  return {f.str("reason")};
}
template <>
AbortRequested read(const Fields& f) {
  return {f.str("by"), f.str("reason")};
}
template <>
Interrupted read(const Fields& f) {
  return {f.str("signal"), f.word<InterruptAction>("action")};
}
template <>
StageCompleted read(const Fields& f) {
  const auto m = f.opt_int("measurements");
  return {f.int64("duration_ms"), m ? std::optional<int>(static_cast<int>(*m)) : std::nullopt};
}
template <>
RollbackStarted read(const Fields& f) {
  return {f.str("reason"), f.word<RollbackTrigger>("trigger"), f.opt_int("budget_ms")};
}
template <>
RollbackStep read(const Fields& f) {
  return {f.integer("index"),     f.str("kind"),          f.str("description"),
          f.boolean("ok", false), f.int64("duration_ms"), f.opt_int("budget_ms"),
          f.integer("attempts"),  f.str("detail"),        f.str("output")};
}
template <>
RollbackFinished read(const Fields& f) {
  RollbackFinished p;
  p.ok = f.boolean("ok", false);
  p.duration_ms = f.int64("duration_ms");
  p.budget_ms = f.opt_int("budget_ms");
  if (const json* o = f.find("over_budget"); o && o->is_boolean()) p.over_budget = o->get<bool>();
  p.undone = f.strings("undone");
  return p;
}
template <>
Completed read(const Fields& f) {
  return {f.int64("duration_ms")};
}
template <>
ProcessStarted read(const Fields& f) {
  return {f.str("description"),    f.integer("pid"),
          f.integer("pgid"),       f.boolean("fail_on_exit", false),
          f.opt_int("timeout_ms"), f.int64("grace_ms")};
}
template <>
ProcessExited read(const Fields& f) {
  ProcessExited p;
  p.description = f.str("description");
  p.pid = f.integer("pid");
  if (auto c = f.opt_int("exit_code")) p.exit_code = static_cast<int>(*c);
  p.signal = f.integer("signal");
  p.stopped = f.boolean("stopped", false);
  p.timed_out = f.boolean("timed_out", false);
  p.leftover = f.boolean("leftover", false);
  p.output = f.str("output");
  return p;
}
template <>
AnalysisStarted read(const Fields& f) {
  return {f.str("from"), f.str("until"), f.strings("gates"), f.int64("interval_ms")};
}
template <>
AnalysisFinished read(const Fields& f) {
  return {f.integer("measurements"), f.boolean("passing", true)};
}
template <>
Warning read(const Fields& f) {
  return {f.str("message")};
}
template <>
Finished read(const Fields& f) {
  return {f.word<FinishedOutcome>("outcome"), f.integer("exit_code", -1), f.str("reason")};
}

template <std::size_t... I>
Payload read_as(EventType type, const Fields& f, std::index_sequence<I...>) {
  Payload out;
  ((static_cast<std::size_t>(type) == I
        ? (out = read<std::variant_alternative_t<I, Payload>>(f), true)
        : false) ||
   ...);
  return out;
}

}  // namespace

json payload_to_json(const Payload& payload) {
  return std::visit([](const auto& p) { return write(p); }, payload);
}

Payload payload_from_json(EventType type, const json& fields) {
  return read_as(type, Fields{fields}, std::make_index_sequence<std::variant_size_v<Payload>>{});
}

}  // namespace rollout::events
