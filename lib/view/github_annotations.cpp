// GitHub Actions annotations for breaches, rollbacks and bad endings (see the header).
#include "view/github_annotations.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "core/overloaded.hpp"

namespace rollout {

namespace {

// Workflow command escaping: the message may not hold raw %, CR or LF; property values
// (title) additionally not ':' or ','.
std::string escape_data(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string escape_property(std::string_view s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

std::string command(std::string_view level, const std::string& title, const std::string& message) {
  return fmt::format("::{} title={}::{}\n", level, escape_property(title), escape_data(message));
}

}  // namespace

std::string github_annotation(const Event& e, std::string_view rollout_name,
                              std::string_view stage) {
  const std::string name(rollout_name);
  const std::string where = stage.empty() ? "" : fmt::format(" (stage {})", stage);
  using namespace events;
  return std::visit(
      Overloaded{
          [&](const Breach& d) {
            // A breach that only notifies is a warning; one that rolls back or pauses an error.
            return command(d.action == "notify" ? "warning" : "error",
                           fmt::format("rollout {}: gate breached{}", name, where),
                           e.summary.empty() ? d.gate : e.summary);
          },
          [&](const RollbackStarted& d) {
            return command("warning", fmt::format("rollout {}: rolling back{}", name, where),
                           e.summary.empty() ? d.reason : e.summary);
          },
          [&](const RollbackFinished& d) -> std::string {
            if (d.ok && !d.over_budget.value_or(false)) return {};
            return command("error",
                           fmt::format("rollout {}: {}", name,
                                       d.ok ? "rollback over budget" : "ROLLBACK INCOMPLETE"),
                           e.summary);
          },
          [&](const Finished& d) -> std::string {
            if (d.outcome == FinishedOutcome::completed) return {};
            std::string text(to_string(d.outcome));
            for (auto& c : text)
              if (c == '_') c = ' ';
            const bool bad = d.outcome == FinishedOutcome::rolled_back ||
                             d.outcome == FinishedOutcome::rollback_failed ||
                             d.outcome == FinishedOutcome::aborted;
            return command(bad ? "error" : "warning",
                           fmt::format("rollout {}: {}{}", name, text, where),
                           d.reason.empty() ? e.summary : d.reason);
          },
          [&](const ProcessExited& d) -> std::string {
            // A background process rollout stopped is routine; one that ended by itself is not.
            if (d.stopped) return {};
            return command("warning",
                           fmt::format("rollout {}: background process ended{}", name, where),
                           e.summary);
          },
          [&](const Paused&) {
            return command("warning", fmt::format("rollout {}: paused{}", name, where), e.summary);
          },
          [&](const Warning& d) {
            return command("warning", fmt::format("rollout {}", name),
                           d.message.empty() ? e.summary : d.message);
          },
          [](const auto&) { return std::string(); },
      },
      e.payload);
}

void GithubAnnotations::on_event(const Event& event) {
  if (const auto* started = event.as<events::RolloutStarted>()) name_ = started->name;
  if (!event.stage.empty()) stage_ = event.stage;
  std::string line = github_annotation(event, name_, stage_);
  if (line.empty()) return;
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

bool in_github_actions() {
  const char* v = std::getenv("GITHUB_ACTIONS");
  return v && std::string_view(v) == "true";
}

std::unique_ptr<EventSink> make_github_annotations(std::FILE* out) {
  if (!in_github_actions()) return nullptr;
  return std::make_unique<GithubAnnotations>(out);
}

}  // namespace rollout
