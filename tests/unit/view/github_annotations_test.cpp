// On GitHub Actions, breaches and rollbacks become annotations on the run.
#include "view/github_annotations.hpp"

#include <doctest/doctest.h>

#include "report/sample_journals.hpp"

using namespace rollout;
using namespace rollout::testing;

TEST_CASE("a breach is an error annotation, a rollback a warning, escaped as the runner wants") {
  std::vector<std::string> lines;
  std::string stage;
  for (const auto& e : rollback_after_breach()) {
    if (!e.stage.empty()) stage = e.stage;
    std::string line = github_annotation(e, "analyzer", stage);
    if (!line.empty()) lines.push_back(line);
  }
  REQUIRE(lines.size() == 3);  // breach, rollback started, finished (rolled back)
  CHECK(lines[0].rfind("::error title=rollout analyzer%3A gate breached (stage canary)::", 0) == 0);
  CHECK(lines[1].rfind("::warning title=rollout analyzer%3A rolling back (stage canary)::", 0) ==
        0);
  CHECK(lines[2].rfind("::error title=rollout analyzer%3A rolled back", 0) == 0);
  for (const auto& l : lines) CHECK(l.find('\n') == l.size() - 1);  // one line each

  Event e;
  e.type = EventType::warning;
  e.payload = events::Warning{"100% of\nthings"};
  CHECK(github_annotation(e, "a,b", "") == "::warning title=rollout a%2Cb::100%25 of%0Athings\n");
}

TEST_CASE("a completed rollout makes no annotation") {
  for (const auto& e : promotion()) CHECK(github_annotation(e, "analyzer", "full").empty());
}

TEST_CASE("a background process that ended by itself is a warning; one rollout stopped is not") {
  Event e;
  e.type = EventType::process_exited;
  e.summary = "background process exited 3: run ./load.sh";
  e.payload = events::ProcessExited{"run ./load.sh", 42, 3, 0, false, false, false, ""};
  CHECK(github_annotation(e, "api", "canary") ==
        "::warning title=rollout api%3A background process ended (stage canary)::background "
        "process exited 3: run ./load.sh\n");
  e.payload = events::ProcessExited{"run ./load.sh", 42, std::nullopt, 15, true, false, false, ""};
  CHECK(github_annotation(e, "api", "canary").empty());
}
