// GitHub Actions workflow commands: when GITHUB_ACTIONS=true, breaches and rollbacks also
// print as ::error:: / ::warning:: lines, which the runner turns into annotations on the run.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "events/event.hpp"

namespace rollout {

class GithubAnnotations : public EventSink {
 public:
  explicit GithubAnnotations(std::FILE* out) : out_(out) {}
  void on_event(const Event& event) override;

 private:
  std::FILE* out_;
  std::string name_;   // the rollout's, for titles
  std::string stage_;  // the last stage named, for rollback events (which carry none)
};

// The annotation line for an event, or "" when the event deserves none.
std::string github_annotation(const Event& event, std::string_view rollout_name,
                              std::string_view stage);

// True when running under GitHub Actions (GITHUB_ACTIONS=true).
bool in_github_actions();

// A GithubAnnotations writing to `out` under GitHub Actions, else nullptr. The runner reads
// workflow commands on stdout; with --output json give stderr so stdout stays JSON lines.
std::unique_ptr<EventSink> make_github_annotations(std::FILE* out);

}  // namespace rollout
