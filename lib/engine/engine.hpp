// The rollout engine: a synchronous stage machine over the ports (lib/ports/). It runs
// before steps -> weight -> hold with gates -> advance -> after steps, stage after stage,
// rolls back on a breach or a failed step, and reports everything as events. It never
// sees a provider type, so the same engine runs for real, in a dry run and in unit tests.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/exit_status.hpp"
#include "core/template.hpp"
#include "engine/emitter.hpp"
#include "engine/gate_eval.hpp"
#include "engine/gate_run.hpp"
#include "engine/position.hpp"
#include "events/event.hpp"
#include "ports/clock.hpp"
#include "ports/control.hpp"
#include "ports/health_probe.hpp"
#include "ports/http_client.hpp"
#include "ports/metric_source.hpp"
#include "ports/process_control.hpp"
#include "ports/router.hpp"
#include "ports/state_store.hpp"
#include "runbook/model.hpp"

namespace rollout::engine {

struct Ports {
  Clock& clock;
  ControlChannel& control;
  Router& router;
  std::map<std::string, MetricSource*> sources;  // by [metrics.NAME]
  HealthProbe& health;
  ProcessControl& process;
  HttpClient& http;
  StateStore& store;
};

struct Options {
  bool dry_run = false;
  bool interactive = false;  // may wait for an operator (a TTY, no CI)
  std::string from_stage;    // start: pick up at this stage (its weight may already be set)
  std::string by;            // user@host, for rollout_started
  bool skip_preflight = false;
  // Manual gates and open-ended pause steps pass by themselves (a dry run rehearses the
  // whole path; the awaiting_approval event still shows where a person would be asked).
  bool auto_approve = false;
  // Extra preflight results the caller measured (e.g. the state directory is writable).
  std::vector<nlohmann::json> preflight_extra;
  // resume: the journal does not read cleanly ("PATH:LINE: what"), so where the rollout
  // stands is uncertain. The caller lets only an abort through; it rolls back from the
  // first step and records why.
  std::string journal_damage;
};

class Engine {
 public:
  Engine(const runbook::Runbook& book, const Expander& expander, Ports ports, Options options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Subscribers in addition to the journal (which is always first).
  void subscribe(EventSink* sink);

  // A fresh rollout: preflight, then every stage (from options.from_stage if set).
  ExitCode start();
  // Continues from the journal: `first` is acted on before anything else (an `advance`
  // or `abort` given to a process that found no runner). A final rollout is not resumed.
  ExitCode resume(const std::vector<Event>& journal,
                  std::optional<ControlRequest> first = std::nullopt);

 private:
  struct Stop {
    ExitCode code;
  };
  using Flow = std::optional<Stop>;  // nullopt: carry on
  struct StepResult {
    bool ok = true;
    std::string detail;
    std::string output;
    std::optional<ControlRequest> request;  // an abort/interrupt that cut the step short
    std::optional<Stop> stop;               // the step itself ended the run (pause, 5)
    events::RollbackTrigger trigger = events::RollbackTrigger::step_failed;  // when !ok
  };

  ExitCode run(Position from, bool resumed);
  Flow run_stage(std::size_t index, Position& at);
  Flow run_steps(const std::vector<runbook::Step>& steps, events::StepPhase phase, int from,
                 const runbook::Stage& stage);
  Flow hold(const runbook::Stage& stage, std::int64_t remaining_ms);
  // The passes of a hold (hold.cpp); nullopt: the hold goes on.
  struct HoldState;
  std::optional<Flow> hold_over(HoldState& h);
  void pass_early(HoldState& h);
  std::optional<Flow> hold_wait(HoldState& h);
  std::optional<Flow> on_hold_request(HoldState& h, const ControlRequest& req);
  Flow extension_over(HoldState& h);
  void report_not_passing(const HoldState& h);
  Flow wait_for_operator(const runbook::Stage& stage, const std::string& reason);
  Flow operator_decides(const runbook::Stage& stage);  // its wait: an advance or an abort
  // approve_url while a manual stage waits for approval (approval.cpp); one per hold.
  struct ApprovalPoll {
    std::optional<Duration> next;  // when the URL is asked next; unset: not polling
    bool failing = false;          // the current run of transport errors was warned about
  };
  std::optional<Flow> poll_approval(const runbook::Stage& stage, ApprovalPoll& poll,
                                    std::optional<Duration> deadline);
  Flow set_stage_weight(const runbook::Stage& stage);

  // Steps (step_exec.cpp).
  StepResult execute(const runbook::Step& step, const runbook::Stage* stage,
                     std::optional<Duration> limit, bool in_rollback);
  StepResult exec_weight(int canary, const std::string& stage);
  StepResult exec_health(const std::string& name, std::optional<Duration> limit, bool in_rollback,
                         const std::string& stage);
  StepResult exec_gate(const runbook::Gate& gate, const std::string& stage);
  StepResult exec_run(const runbook::RunStep& step, std::optional<Duration> limit,
                      const runbook::Stage* stage);
  StepResult exec_kill(const runbook::KillStep& step, const runbook::Stage* stage);
  StepResult exec_http(const runbook::HttpStep& step, std::optional<Duration> limit,
                       const runbook::Stage* stage);
  StepResult exec_pause(const runbook::PauseStep& step, const std::string& stage);
  std::string describe(const runbook::Step& step, const runbook::Stage* stage) const;

  // Background processes of a stage's before steps (stage_jobs.cpp).
  struct StageJob {
    std::string stage;
    std::string description;
    BackgroundProcess process;
    bool fail_on_exit = false;
    std::vector<int> expect_exit;
    Duration grace{5000};
    std::optional<Duration> until;  // its timeout, when the runbook gives one
  };
  StepResult start_background(const runbook::RunStep& step, const runbook::RunStep& run,
                              const runbook::Stage* stage);
  // In take(): a fail_on_exit process that ended unwinds every wait like an abort, and
  // on_request acts on it (on_job_failure) with its stage's on_breach.
  std::optional<ControlRequest> check_jobs();
  Duration jobs_wake(Duration deadline) const;  // no later than the next job timeout
  void stop_jobs();  // when the stage ends, before a rollback, on every ending
  Flow on_job_failure();
  Flow restart_background(const runbook::Stage& stage);    // resumed into the hold
  void stop_leftovers(const std::vector<Event>& journal);  // resume after a crash

  // Gates (hold.cpp).
  struct Measured {
    Reading reading;
    std::optional<Reading> samples;
    std::string query;
    Outcome outcome = Outcome::error;
  };
  std::vector<Measured> measure(const std::vector<const runbook::Gate*>& gates,
                                const runbook::Stage* stage);
  // measure.cpp: for a hold's gates and the analysis's (`analysis` marks the events).
  void record_measurements(std::vector<GateRun>& runs, const runbook::Stage* stage, bool analysis);
  std::optional<Flow> act_on_breaches(std::vector<GateRun>& runs, const runbook::Stage& stage,
                                      bool analysis);
  // The breach events of the runs' latest records; the first that acts is returned.
  struct ActingBreach {
    std::size_t run = 0;  // index into the runs
    runbook::OnBreach action = runbook::OnBreach::rollback;
    std::string why;
  };
  std::optional<ActingBreach> first_acting_breach(std::vector<GateRun>& runs,
                                                  const runbook::Stage& stage, bool analysis);

  // The background [analysis] (analysis.cpp): measured at every wait of the engine while
  // stages from..until run (holds, health polls, pauses, approvals, before and after
  // steps). A breach that acts unwinds the wait like an abort (take()), and on_request
  // acts on it as a breach of the stage running then.
  void analysis_enter(int stage_index, bool weight_set);  // starts it where its span begins
  void analysis_leave(int stage_index);                   // stage done: its span may end
  bool analysis_measuring() const { return analysis_on_ && !in_rollback_ && !analysis_held_; }
  std::optional<ControlRequest> check_analysis();
  Duration analysis_wake(Duration deadline) const;  // no later than its next measurement
  Flow on_analysis_breach();
  // The acting analysis gates whose latest outcome does not let a stage promote now.
  const GateRun* analysis_not_passing() const;
  Flow act_on_breach(const runbook::Stage& stage, runbook::OnBreach action, const std::string& why);

  // Rollback and endings (rollback.cpp).
  ExitCode rollback(events::RollbackTrigger trigger, const std::string& reason, int from_step = 0);
  ExitCode finish(events::FinishedOutcome outcome, ExitCode code, const std::string& reason);
  Flow on_request(const ControlRequest& request, const std::string& stage, bool in_hold);
  ExitCode pause_exit(const std::string& reason, const std::string& stage);

  // Control and time.
  void pull_requests();
  // Sleeps until `deadline`, returning early with an abort/interrupt (and, when
  // `take_advance`, an advance) request. Advances otherwise stay queued.
  std::optional<ControlRequest> wait_until(Duration deadline, bool take_advance);
  std::optional<ControlRequest> take(bool take_advance);

  // Trust in what this process knows (trust.cpp): the journal is durable, the lock ours.
  void check_trust();
  bool lock_lost() const { return distrust_ && distrust_->kind == Trust::Kind::lock; }
  ControlRequest distrust_request() const;
  Flow on_distrust(const std::string& stage);
  std::string unrecorded() const;  // what the journal failure left out, for the outcome
  // resume: a router that can be read and shows less canary than the journal says means
  // the journal may have lost its last records: nothing moves toward the canary then.
  Flow check_router_on_resume();

  Expander expander_for(const runbook::Stage* stage) const;
  events::RolloutStarted started_payload(bool resumed, std::string from_stage) const;
  void emit(const std::string& stage, std::string summary, events::Payload payload);
  void save_state(const std::string& status);

  const runbook::Runbook& book_;
  const Expander& expander_;
  Ports ports_;
  Options opts_;
  std::unique_ptr<Emitter> emitter_;
  std::unique_ptr<EventSink> journal_;
  std::unique_ptr<EventSink> replay_sink_;
  std::vector<EventSink*> subscribers_;
  std::deque<ControlRequest> pending_;
  Replayer replayer_;  // where the rollout stands, kept current as events are emitted
  Duration started_at_{0};
  int interrupts_ = 0;
  bool in_rollback_ = false;
  int measurements_ = 0;           // in the current hold
  std::optional<Trust> distrust_;  // set once the store stopped being trusted
  bool journal_muted_ = false;     // the lock is lost: another process owns the files now
  std::vector<StageJob> jobs_;     // background processes running now
  std::optional<std::pair<std::string, std::string>> job_failure_;  // stage, why
  std::vector<GateRun> analysis_runs_;  // the background analysis's gates, while it runs
  bool analysis_on_ = false;
  bool analysis_held_ = false;  // not measured while a person decides (wait_for_operator)
  int analysis_stage_ = -1;     // the stage running now, whose events the analysis's are
  std::optional<ActingBreach> analysis_breach_;
};

}  // namespace rollout::engine
