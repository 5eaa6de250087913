// The no-side-effect world of a dry run and of the engine's unit tests: metric sources
// that answer from a Scenario over virtual time, a health probe that passes unless the
// scenario says otherwise, process control and an HTTP client that record instead of
// acting, and a recording router. It listens to events to know when stages start.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "events/event.hpp"
#include "ports/health_probe.hpp"
#include "ports/http_client.hpp"
#include "ports/metric_source.hpp"
#include "ports/process_control.hpp"
#include "rehearsal/recording_router.hpp"
#include "rehearsal/scenario.hpp"
#include "rehearsal/virtual_clock.hpp"
#include "runbook/model.hpp"

namespace rollout::rehearsal {

class ScriptedWorld : public EventSink {
 public:
  // `expand` resolves ${vars.X} in check queries, to recognise the queries the engine sends.
  ScriptedWorld(const runbook::Runbook& book, Scenario scenario, VirtualClock& clock,
                std::function<std::string(const std::string&)> expand = {});
  ~ScriptedWorld() override;

  void on_event(const Event& event) override;

  std::map<std::string, MetricSource*> sources();
  RecordingRouter& router() { return *router_; }
  HealthProbe& health();
  ProcessControl& process();
  HttpClient& http();

  // Tests: add a point for a check, or change what commands do.
  void script(const std::string& check, ScenarioPoint point);
  void script_run(RunRule rule);
  void fail_health(HealthRule rule);

  // What was done (run argv joined, kill descriptions, http "METHOD URL").
  std::vector<std::string> runs() const;
  std::vector<std::string> kills() const;
  std::vector<std::string> requests() const;
  int queries() const;  // metric queries answered

  // Used by the parts: the reading for a check now; whether health `name` fails now.
  Reading reading_for(const std::string& check, bool samples);
  bool health_failing(const std::string& name);

 private:
  class Source;
  class Probe;
  class Process;
  class Http;
  std::optional<Duration> start_of(const std::string& stage) const;

  const runbook::Runbook& book_;
  VirtualClock& clock_;
  mutable std::mutex mu_;
  Scenario scenario_;
  std::map<std::string, double> pass_value_;      // by check: a value every gate accepts
  std::map<std::string, std::string> pass_word_;  // by check, when its gates compare words
  std::map<std::string, Duration> stage_start_;
  std::optional<Duration> rollout_start_;
  std::vector<std::string> runs_, kills_, requests_;
  int queries_ = 0;
  std::unique_ptr<RecordingRouter> router_;
  std::map<std::string, std::unique_ptr<Source>> sources_;
  std::unique_ptr<Probe> probe_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<Http> http_;
};

}  // namespace rollout::rehearsal
