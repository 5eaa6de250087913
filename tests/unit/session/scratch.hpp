// A scratch state directory for the session's tests: an exec router script that records
// the weights it is given (so a test sees whether traffic was touched), a file metric
// source, and a two-stage runbook whose first stage waits for a manual advance.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "session/session.hpp"

namespace rollout::test {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

struct Scratch {
  Scratch() {
    char tmpl[] = "/tmp/rollout-session-XXXXXX";
    root = ::mkdtemp(tmpl);
    state_dir = root + "/state";
    runbook = root + "/rb.toml";
    weights = root + "/weights";
    spit(root + "/set-weights.sh", "#!/bin/sh\necho \"$1 $2\" > " + weights + "\n");
    ::chmod((root + "/set-weights.sh").c_str(), 0700);
    spit(root + "/metrics.json", R"({"error_rate": 0.001})");
    write_runbook("full");
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // The runbook, its last stage named `last`: canary 10% (manual advance), then `last`.
  void write_runbook(const std::string& last) const {
    spit(runbook,
         "[rollout]\nname = \"unit-demo\"\n\n"
         "[router]\ntype = \"exec\"\ncommand = [\"" +
             root +
             "/set-weights.sh\", \"${weight.stable}\", \"${weight.canary}\"]\n\n"
             "[metrics.file]\ntype = \"file\"\npath = \"" +
             root +
             "/metrics.json\"\n\n"
             "[checks.error_rate]\nsource = \"file\"\nquery = \"/error_rate\"\n"
             "unit = \"ratio\"\n\n"
             "[[stage]]\nname = \"canary\"\nweight = 10\nhold = \"1s\"\n"
             "interval = \"1s\"\ngates = [\"error_rate < 1%\"]\nadvance = \"manual\"\n\n"
             "[[stage]]\nname = \"" +
             last +
             "\"\nweight = 100\nhold = \"1s\"\ninterval = \"1s\"\n"
             "gates = [\"error_rate < 1%\"]\n\n"
             "[rollback]\nbudget = \"30s\"\n"
             "steps = [ { weight = 0, budget = \"10s\" } ]\n");
  }

  std::string dir(bool dry_run = false) const {
    return state_dir + (dry_run ? "/unit-demo.dry-run" : "/unit-demo");
  }
  std::string journal(bool dry_run = false) const { return slurp(dir(dry_run) + "/journal.jsonl"); }
  bool weights_written() const { return std::filesystem::exists(weights); }

  session::Request start(bool dry_run = false) const {
    session::Request r;
    r.mode = session::Request::Mode::start;
    r.runbook = runbook;
    r.dry_run = dry_run;
    return r;
  }
  static session::Request resume() {
    session::Request r;
    r.mode = session::Request::Mode::resume;
    return r;
  }
  // An advance or abort that found no runner: a resume that acts on it first.
  static session::Request resume_to(ControlRequest::Kind kind) {
    session::Request r = resume();
    r.first = ControlRequest{kind, "tester", ""};
    r.verb = kind == ControlRequest::Kind::abort ? "abort" : "advance";
    return r;
  }

  std::string root, state_dir, runbook, weights;
};

// What a run said on the terminal, for the assertions; never interactive.
struct Heard {
  std::string diagnostics, warnings, progress;
  session::Hooks hooks() {
    session::Hooks h;
    h.diagnostic = [this](const std::string& l) { diagnostics += l + "\n"; };
    h.warning = [this](const std::string& l) { warnings += l + "\n"; };
    h.progress = [this](const std::string& l, bool) { progress += l + "\n"; };
    return h;
  }
};

// A real start that pauses at the canary's manual gate (no TTY), weights 90/10.
inline void start_paused(const Scratch& s) {
  Heard heard;
  auto ended = session::run(s.state_dir, s.start(), heard.hooks());
  REQUIRE_MESSAGE(ended.ok(), (ended ? "" : ended.error().message), heard.diagnostics);
  REQUIRE(ended->code == ExitCode::paused);
  REQUIRE(slurp(s.weights) == "90 10\n");
}

}  // namespace rollout::test
