// Tests for lib/runbook/parse_approval.cpp and the background keys of lib/runbook/steps.cpp:
// approve_url and approve_headers of a manual stage; background, fail_on_exit and grace of
// a run step, only in a stage's before steps.
#include <algorithm>

#include "helpers.hpp"

using namespace rbtest;

namespace {
std::string stage_with(const std::string& lines) {
  return kBase + lines + "\n";  // appended to the last stage, "full"
}
// The line of the first line appended by stage_with.
int first_line() {
  return static_cast<int>(std::count(kBase.begin(), kBase.end(), '\n')) + 1;
}
bool warned(const Loaded& l, const std::string& needle) {
  const auto* d = find(l, needle);
  return d && d->severity == Diagnostic::Severity::warning;
}
}  // namespace

TEST_CASE("approve_url: read with its headers; a manual stage with approval_timeout is clean") {
  auto l =
      load(stage_with("advance = \"manual\"\napproval_timeout = \"1h\"\n"
                      "approve_url = \"https://ci.example/approve/${stage.name}\"\n"
                      "approve_headers = { Authorization = \"Bearer x\" }"));
  REQUIRE_MESSAGE(l.ok(), dump(l));
  const auto& s = l.runbook->stages.back();
  CHECK(s.approve_url == "https://ci.example/approve/${stage.name}");
  CHECK(s.approve_headers.at("Authorization") == "Bearer x");
  CHECK(l.diagnostics.empty());
}

TEST_CASE("approve_url: warnings for an unbounded wait and for no effect; errors for a non-URL") {
  auto unbounded = load(stage_with("advance = \"manual\"\napprove_url = \"https://ci/ok\""));
  REQUIRE_MESSAGE(unbounded.ok(), dump(unbounded));
  CHECK(warned(unbounded, "'approve_url' without 'approval_timeout' may wait without limit"));
  CHECK(find(unbounded, "without limit")->pos.line == first_line() + 1);

  auto automatic = load(stage_with("approve_url = \"https://ci/ok\""));
  CHECK(warned(automatic, "'approve_url' has no effect unless advance = \"manual\""));

  auto headers = load(stage_with("approve_headers = { A = \"b\" }"));
  CHECK(warned(headers, "'approve_headers' has no effect without 'approve_url'"));

  auto bad = load(stage_with("advance = \"manual\"\napprove_url = \"ftp://ci/ok\""));
  CHECK_FALSE(bad.ok());
  CHECK(find(bad, "is not an http:// or https:// URL"));

  auto typo = load(stage_with("advance = \"manual\"\napprove_ulr = \"https://ci/ok\""));
  CHECK_FALSE(typo.ok());
  CHECK(find(typo, "approve_url"));  // did you mean
}

TEST_CASE("background: a before run step; fail_on_exit, grace and timeout read") {
  auto l = load(
      stage_with("before = [ { run = [\"./load.sh\"], background = true, fail_on_exit = true, "
                 "grace = \"2s\", timeout = \"30m\" }, { shell = \"./x\", background = true } ]"));
  REQUIRE_MESSAGE(l.ok(), dump(l));
  const auto& r = std::get<RunStep>(l.runbook->stages.back().before[0].action);
  CHECK(r.background);
  CHECK(r.fail_on_exit);
  CHECK(r.grace == Duration(2000));
  CHECK(r.timeout_given);
  CHECK(r.timeout == Duration(30min));
  const auto& sh = std::get<RunStep>(l.runbook->stages.back().before[1].action);
  CHECK(sh.background);
  CHECK_FALSE(sh.timeout_given);
}

TEST_CASE("background: an error in after, in [rollback], on other kinds, and without background") {
  auto after = load(stage_with("after = [ { run = [\"./load.sh\"], background = true } ]"));
  CHECK_FALSE(after.ok());
  const auto* d = find(after, "'background' only applies to a stage's 'before' steps");
  REQUIRE(d);
  CHECK(d->pos.line == first_line());
  CHECK(d->pos.col > 1);

  auto rollback =
      load(kBase + "\n[rollback]\nsteps = [ { run = [\"./load.sh\"], background = true } ]\n");
  CHECK_FALSE(rollback.ok());
  CHECK(find(rollback, "'background' only applies to a stage's 'before' steps"));

  auto kill = load(stage_with("before = [ { kill = { name = \"x\" }, background = true } ]"));
  CHECK_FALSE(kill.ok());
  CHECK(find(kill, "'background' does not apply to a kill step"));

  auto lone =
      load(stage_with("before = [ { run = [\"./x\"], fail_on_exit = true, grace = \"1s\" } ]"));
  CHECK_FALSE(lone.ok());
  CHECK(find(lone, "'fail_on_exit' only applies to background = true"));
  CHECK(find(lone, "'grace' only applies to background = true"));
}
