// Background processes of a stage (Flagger's load tests and rollout hooks): a `run` step of
// a stage's `before` with background = true starts and the stage goes on. Every wait point
// (take(), so every wait_until and every step boundary) looks at them: an exit is a
// process_exited event, and with fail_on_exit an exit outside expect_exit (or by a signal,
// or by running its whole timeout) acts like a gate breach with the stage's on_breach.
// They are stopped (SIGTERM to the group, grace, SIGKILL) when the stage's hold ends,
// before a rollback's steps and on every ending; a resume stops what a crashed run left.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "engine/engine.hpp"

namespace rollout::engine {

namespace {

std::string how_it_ended(const BackgroundExit& x, bool timed_out) {
  if (timed_out) return "ran its whole timeout and was stopped";
  if (x.signal) return fmt::format("was killed by signal {}", x.signal);
  if (x.exit_code < 0) return "ended (exit status not known)";
  return fmt::format("exited {}", x.exit_code);
}

events::ProcessExited exited(const std::string& description, int pid, const BackgroundExit& x,
                             bool stopped, bool timed_out) {
  return events::ProcessExited{
      description, pid,     x.exit_code >= 0 ? std::optional(x.exit_code) : std::nullopt,
      x.signal,    stopped, timed_out,
      false,       x.output};
}

}  // namespace

Engine::StepResult Engine::start_background(const runbook::RunStep& step,
                                            const runbook::RunStep& run,
                                            const runbook::Stage* stage) {
  StepResult r;
  auto started = ports_.process.start(run);
  if (!started) {
    r.ok = false;
    r.detail = started.error().message;
    return r;
  }
  StageJob job;
  job.stage = stage ? stage->name : std::string();
  job.description = describe(runbook::Step{step, std::nullopt, {}}, stage);
  job.process = *started;
  job.fail_on_exit = step.fail_on_exit;
  job.expect_exit = step.expect_exit;
  job.grace = step.grace;
  if (step.timeout_given) job.until = ports_.clock.now() + step.timeout;
  emit(job.stage,
       started->pid
           ? fmt::format("started in the background (pid {}): {}", started->pid, job.description)
           : "rehearsal: not started: " + job.description,
       events::ProcessStarted{
           job.description, started->pid, started->pgid, job.fail_on_exit,
           step.timeout_given ? std::optional(step.timeout.count()) : std::nullopt,
           step.grace.count()});
  r.detail = started->pid ? fmt::format("running in the background, pid {}", started->pid)
                          : std::string("rehearsal: not started");
  jobs_.push_back(std::move(job));
  return r;
}

std::optional<ControlRequest> Engine::check_jobs() {
  if (in_rollback_) return std::nullopt;
  const Duration now = ports_.clock.now();
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    const bool timed_out = it->until && now >= *it->until;
    std::optional<BackgroundExit> x =
        timed_out ? std::optional(ports_.process.stop(it->process, it->grace))
                  : ports_.process.poll(it->process);
    if (!x) {
      ++it;
      continue;
    }
    const bool bad = timed_out || x->signal != 0 ||
                     std::find(it->expect_exit.begin(), it->expect_exit.end(), x->exit_code) ==
                         it->expect_exit.end();
    const std::string why =
        fmt::format("background process {}: {}", how_it_ended(*x, timed_out), it->description);
    emit(it->stage, why, exited(it->description, it->process.pid, *x, timed_out, timed_out));
    // A notify stage only tells (process_exited is that word): nothing unwinds.
    const auto s = std::find_if(book_.stages.begin(), book_.stages.end(),
                                [&](const runbook::Stage& st) { return st.name == it->stage; });
    const bool notify = s != book_.stages.end() && s->rules.on_breach == runbook::OnBreach::notify;
    if (bad && it->fail_on_exit && !notify && !job_failure_) job_failure_.emplace(it->stage, why);
    it = jobs_.erase(it);
  }
  if (!job_failure_) return std::nullopt;
  return ControlRequest{ControlRequest::Kind::abort, "rollout", job_failure_->second};
}

Duration Engine::jobs_wake(Duration deadline) const {
  for (const auto& j : jobs_)
    if (j.until) deadline = std::min(deadline, *j.until);
  return deadline;
}

void Engine::stop_jobs() {
  while (!jobs_.empty()) {
    StageJob j = std::move(jobs_.back());
    jobs_.pop_back();
    const BackgroundExit x = ports_.process.stop(j.process, j.grace);
    emit(j.stage, "stopped background process: " + j.description,
         exited(j.description, j.process.pid, x, true, false));
  }
}

// A fail_on_exit process ended while its stage ran: the stage's on_breach acts (a notify
// stage has said so with process_exited, and goes on).
Engine::Flow Engine::on_job_failure() {
  // Copied out, not bound: clang before 16 cannot capture a structured binding.
  const std::string stage_name = job_failure_->first;
  const std::string why = job_failure_->second;
  job_failure_.reset();
  const auto s = std::find_if(book_.stages.begin(), book_.stages.end(),
                              [&](const runbook::Stage& st) { return st.name == stage_name; });
  if (s == book_.stages.end()) return Stop{rollback(events::RollbackTrigger::breach, why)};
  return act_on_breach(*s, s->rules.on_breach, why);
}

// Resumed into a stage's hold: its background steps ran before the crash and were stopped
// (stop_leftovers); they start again so the hold has them beside it, as it did.
Engine::Flow Engine::restart_background(const runbook::Stage& stage) {
  for (const auto& st : stage.before) {
    const auto* run = std::get_if<runbook::RunStep>(&st.action);
    if (!run || !run->background) continue;
    StepResult r = exec_run(*run, std::nullopt, &stage);
    if (!r.ok)
      return Stop{rollback(events::RollbackTrigger::step_failed,
                           fmt::format("restarting background step failed: {}: {}",
                                       describe(st, &stage), r.detail))};
  }
  return std::nullopt;
}

// The journal's background processes that have no process_exited: a crash left them. A
// group still running is stopped (and said so); either way the journal closes them.
void Engine::stop_leftovers(const std::vector<Event>& journal) {
  std::map<int, std::pair<std::string, events::ProcessStarted>> open;  // by pid
  int rehearsed = 0;
  for (const auto& e : journal) {
    if (const auto* s = e.as<events::ProcessStarted>())
      open[s->pid ? s->pid : --rehearsed] = {e.stage, *s};
    else if (const auto* x = e.as<events::ProcessExited>(); x && x->pid)
      open.erase(x->pid);
  }
  for (const auto& [pid, entry] : open) {
    const auto& [stage, s] = entry;
    if (pid <= 0) continue;  // a rehearsal started nothing
    const bool was_running = ports_.process.stop_leftover(s.pgid, Duration(s.grace_ms));
    const std::string why =
        was_running ? fmt::format(
                          "stopped background process group {} left running before the "
                          "resume: {}",
                          s.pgid, s.description)
                    : fmt::format("background process {} of the earlier run is gone: {}", s.pid,
                                  s.description);
    emit(
        stage, why,
        events::ProcessExited{s.description, s.pid, std::nullopt, 0, was_running, false, true, ""});
  }
}

}  // namespace rollout::engine
