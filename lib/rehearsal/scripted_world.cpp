// The scripted world: scenario-driven sources, health, processes and HTTP.
#include "rehearsal/scripted_world.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <limits>

#include <fmt/format.h>

namespace rollout::rehearsal {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

// A value on the passing side of every gate on this check (dry runs pass by default).
double passing_value(const std::vector<const runbook::Gate*>& gates) {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  for (const auto* g : gates) {
    if (g->word) continue;  // passing_word's
    switch (g->op) {
      case runbook::CompareOp::lt:
        hi = std::min(hi, g->threshold);
        break;
      case runbook::CompareOp::le:
        hi = std::min(hi, g->threshold);
        break;
      case runbook::CompareOp::gt:
        lo = std::max(lo, g->threshold);
        break;
      case runbook::CompareOp::ge:
        lo = std::max(lo, g->threshold);
        break;
      case runbook::CompareOp::eq:
        return g->threshold;
      case runbook::CompareOp::ne:
        if (std::isinf(hi)) lo = std::max(lo, g->threshold);  // anything above it passes
        break;
    }
  }
  if (std::isinf(lo) && std::isinf(hi)) return 0;
  if (std::isinf(hi)) return lo + std::max(1.0, std::abs(lo));
  if (std::isinf(lo)) return hi > 0 ? hi / 2 : hi - std::max(1.0, std::abs(hi));
  return (lo + hi) / 2;
}

// The word every == gate on this check asks for (or, for != gates only, one none of them
// names); nullopt when its gates compare numbers.
std::optional<std::string> passing_word(const std::vector<const runbook::Gate*>& gates) {
  std::optional<std::string> out;
  for (const auto* g : gates) {
    if (!g->word) continue;
    if (g->op == runbook::CompareOp::eq) return g->word;
    out = "not " + *g->word;
  }
  return out;
}

}  // namespace

class ScriptedWorld::Source : public MetricSource {
 public:
  Source(ScriptedWorld& w, std::map<std::string, std::pair<std::string, bool>> by_query)
      : w_(w), by_query_(std::move(by_query)) {}
  Reading query(const std::string& q) override {
    auto it = by_query_.find(q);
    if (it == by_query_.end()) return Reading{Reading::Kind::value, 0, "unscripted query"};
    return w_.reading_for(it->second.first, it->second.second);
  }

 private:
  ScriptedWorld& w_;
  std::map<std::string, std::pair<std::string, bool>> by_query_;  // query -> (check, samples?)
};

class ScriptedWorld::Probe : public HealthProbe {
 public:
  explicit Probe(ScriptedWorld& w) : w_(w) {}
  std::vector<ProbeResult> probe(const std::vector<std::string>& urls,
                                 const runbook::Health& spec) override {
    const bool failing = w_.health_failing(spec.name);
    std::vector<ProbeResult> out;
    for (const auto& u : urls)
      out.push_back(failing ? ProbeResult{u, false, 503, "status 503 (scripted)"}
                            : ProbeResult{u, true, 200, ""});
    return out;
  }

 private:
  ScriptedWorld& w_;
};

class ScriptedWorld::Process : public ProcessControl {
 public:
  explicit Process(ScriptedWorld& w) : w_(w) {}
  Result<RunOutcome> run(const runbook::RunStep& step) override {
    const std::string cmd = step.shell.empty() ? join(step.argv) : step.shell;
    RunOutcome out;
    out.exit_code = 0;
    out.output = "(rehearsal: not run)";
    {
      std::lock_guard lock(w_.mu_);
      w_.runs_.push_back(cmd);
      for (auto& rule : w_.scenario_.runs) {
        if (cmd.find(rule.match) == std::string::npos || rule.times == 0) continue;
        if (rule.times > 0) --rule.times;
        out.exit_code = rule.exit_code;
        out.elapsed = rule.takes;
        out.output = fmt::format("(rehearsal: scripted exit {})", rule.exit_code);
        break;
      }
    }
    if (out.elapsed > step.timeout) {
      w_.clock_.advance(step.timeout);
      out.timed_out = true;
      out.exit_code = -1;
    } else {
      w_.clock_.advance(out.elapsed);
    }
    return out;
  }
  // Nothing is started: a background step "runs" until it is stopped, or until the
  // virtual time a [[run]] rule matching it `takes`, then exits with the rule's code.
  Result<BackgroundProcess> start(const runbook::RunStep& step) override {
    const std::string cmd = step.shell.empty() ? join(step.argv) : step.shell;
    std::lock_guard lock(w_.mu_);
    w_.runs_.push_back(cmd + " &");
    Job job;
    for (auto& rule : w_.scenario_.runs) {
      if (cmd.find(rule.match) == std::string::npos || rule.times == 0) continue;
      if (rule.times > 0) --rule.times;
      job.exit_at = w_.clock_.now() + rule.takes;
      job.exit_code = rule.exit_code;
      break;
    }
    jobs_[++last_] = job;
    return BackgroundProcess{last_, 0, 0};
  }
  std::optional<BackgroundExit> poll(const BackgroundProcess& p) override {
    std::lock_guard lock(w_.mu_);
    auto it = jobs_.find(p.handle);
    if (it == jobs_.end()) return BackgroundExit{};
    if (!it->second.exit_at || w_.clock_.now() < *it->second.exit_at) return std::nullopt;
    BackgroundExit out{it->second.exit_code, 0,
                       fmt::format("(rehearsal: scripted exit {})", it->second.exit_code)};
    jobs_.erase(it);
    return out;
  }
  BackgroundExit stop(const BackgroundProcess& p, Duration) override {
    std::lock_guard lock(w_.mu_);
    jobs_.erase(p.handle);
    return BackgroundExit{-1, SIGTERM, "(rehearsal: not run)"};
  }
  bool stop_leftover(int, Duration) override { return false; }

  Result<KillOutcome> kill(const runbook::KillStep& step) override {
    std::lock_guard lock(w_.mu_);
    const std::string what = !step.pidfile.empty() ? "pidfile " + step.pidfile
                             : !step.name.empty()  ? "name " + step.name
                                                   : "pattern " + step.pattern;
    w_.kills_.push_back(what);
    KillOutcome out;
    out.detail = "rehearsal: nothing signalled";
    return out;
  }

 private:
  struct Job {
    std::optional<Duration> exit_at;
    int exit_code = 0;
  };
  ScriptedWorld& w_;
  std::map<int, Job> jobs_;  // background steps "running", by handle
  int last_ = 0;
};

class ScriptedWorld::Http : public HttpClient {
 public:
  explicit Http(ScriptedWorld& w) : w_(w) {}
  Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard lock(w_.mu_);
    w_.requests_.push_back(request.method + " " + request.url);
    return HttpResponse{200, "(rehearsal: not sent)"};
  }

 private:
  ScriptedWorld& w_;
};

ScriptedWorld::ScriptedWorld(const runbook::Runbook& book, Scenario scenario, VirtualClock& clock,
                             std::function<std::string(const std::string&)> expand)
    : book_(book), clock_(clock), scenario_(std::move(scenario)) {
  router_ = std::make_unique<RecordingRouter>(Split{100, 0}, "rehearsal router (no traffic moves)");
  for (int w : scenario_.router_refuse) router_->refuse(w);
  std::map<std::string, std::vector<const runbook::Gate*>> gates;
  for (const auto& stage : book.stages) {
    for (const auto& g : stage.gates) gates[g.check].push_back(&g);
    for (const auto* steps : {&stage.before, &stage.after})
      for (const auto& s : *steps)
        if (auto* gs = std::get_if<runbook::GateStep>(&s.action))
          gates[gs->gate.check].push_back(&gs->gate);
  }
  if (book.analysis)
    for (const auto& g : book.analysis->gates) gates[g.check].push_back(&g);
  for (const auto& [name, check] : book.checks) {
    pass_value_[name] = passing_value(gates[name]);
    if (auto w = passing_word(gates[name])) pass_word_[name] = *w;
  }

  std::map<std::string, std::map<std::string, std::pair<std::string, bool>>> per_source;
  for (const auto& [name, check] : book.checks) {
    auto& m = per_source[check.source];
    m[check.query] = {name, false};
    if (expand) m[expand(check.query)] = {name, false};
    if (!check.samples_query.empty()) {
      m[check.samples_query] = {name, true};
      if (expand) m[expand(check.samples_query)] = {name, true};
    }
  }
  for (const auto& [name, src] : book.metrics)
    sources_[name] = std::make_unique<Source>(*this, per_source[name]);
  probe_ = std::make_unique<Probe>(*this);
  process_ = std::make_unique<Process>(*this);
  http_ = std::make_unique<Http>(*this);
}

ScriptedWorld::~ScriptedWorld() = default;

void ScriptedWorld::on_event(const Event& event) {
  std::lock_guard lock(mu_);
  if (event.type == EventType::rollout_started && !rollout_start_) rollout_start_ = clock_.now();
  if (event.type == EventType::stage_started && !stage_start_.count(event.stage))
    stage_start_[event.stage] = clock_.now();
}

std::map<std::string, MetricSource*> ScriptedWorld::sources() {
  std::map<std::string, MetricSource*> out;
  for (auto& [name, s] : sources_) out[name] = s.get();
  return out;
}

HealthProbe& ScriptedWorld::health() {
  return *probe_;
}
ProcessControl& ScriptedWorld::process() {
  return *process_;
}
HttpClient& ScriptedWorld::http() {
  return *http_;
}

void ScriptedWorld::script(const std::string& check, ScenarioPoint point) {
  std::lock_guard lock(mu_);
  scenario_.metrics[check].push_back(std::move(point));
}
void ScriptedWorld::script_run(RunRule rule) {
  std::lock_guard lock(mu_);
  scenario_.runs.push_back(std::move(rule));
}
void ScriptedWorld::fail_health(HealthRule rule) {
  std::lock_guard lock(mu_);
  scenario_.health.push_back(std::move(rule));
}

std::vector<std::string> ScriptedWorld::runs() const {
  std::lock_guard lock(mu_);
  return runs_;
}
std::vector<std::string> ScriptedWorld::kills() const {
  std::lock_guard lock(mu_);
  return kills_;
}
std::vector<std::string> ScriptedWorld::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}
int ScriptedWorld::queries() const {
  std::lock_guard lock(mu_);
  return queries_;
}

std::optional<Duration> ScriptedWorld::start_of(const std::string& stage) const {
  if (stage.empty()) return rollout_start_ ? *rollout_start_ : Duration(0);
  auto it = stage_start_.find(stage);
  if (it == stage_start_.end()) return std::nullopt;
  return it->second;
}

Reading ScriptedWorld::reading_for(const std::string& check, bool samples) {
  std::lock_guard lock(mu_);
  ++queries_;
  if (samples) {
    auto c = book_.checks.find(check);
    const double n = c != book_.checks.end() ? std::max(1, c->second.min_samples) * 10.0 : 10.0;
    return Reading{Reading::Kind::value, n, "scripted samples"};
  }
  const Duration now = clock_.now();
  const ScenarioPoint* best = nullptr;
  Duration best_at{-1};
  if (auto it = scenario_.metrics.find(check); it != scenario_.metrics.end()) {
    for (const auto& p : it->second) {
      auto base = start_of(p.stage);
      if (!base) continue;
      const Duration at = *base + p.at;
      if (at <= now && at >= best_at) {
        best = &p;
        best_at = at;
      }
    }
  }
  if (best) return best->reading;
  if (auto w = pass_word_.find(check); w != pass_word_.end())
    return Reading{Reading::Kind::value, 0, "rehearsal default", w->second};
  return Reading{Reading::Kind::value, pass_value_[check], "rehearsal default"};
}

bool ScriptedWorld::health_failing(const std::string& name) {
  std::lock_guard lock(mu_);
  const Duration now = clock_.now();
  for (const auto& r : scenario_.health) {
    if (r.name != name) continue;
    auto base = start_of(r.stage);
    if (!base) continue;
    if (now >= *base + r.at && (!r.until || now < *base + *r.until)) return true;
  }
  return false;
}

}  // namespace rollout::rehearsal
