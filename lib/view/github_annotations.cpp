// GitHub Actions annotations for breaches, rollbacks and bad endings (see the header).
#include "view/github_annotations.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "core/json_get.hpp"

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
  const nlohmann::json& d = e.data;
  switch (e.type) {
    case EventType::breach: {
      // A breach that only notifies is a warning; one that rolls back or pauses an error.
      const bool notify = json_string(d, "action") == "notify";
      return command(notify ? "warning" : "error",
                     fmt::format("rollout {}: gate breached{}", name, where),
                     e.summary.empty() ? json_string(d, "gate") : e.summary);
    }
    case EventType::rollback_started:
      return command("warning", fmt::format("rollout {}: rolling back{}", name, where),
                     e.summary.empty() ? json_string(d, "reason") : e.summary);
    case EventType::rollback_finished:
      if (d.value("ok", false) && !d.value("over_budget", false)) return {};
      return command(
          "error",
          fmt::format("rollout {}: {}", name,
                      d.value("ok", false) ? "rollback over budget" : "ROLLBACK INCOMPLETE"),
          e.summary);
    case EventType::finished: {
      const std::string outcome = json_string(d, "outcome");
      if (outcome == "completed") return {};
      std::string text = outcome;
      for (auto& c : text)
        if (c == '_') c = ' ';
      const bool bad =
          outcome == "rolled_back" || outcome == "rollback_failed" || outcome == "aborted";
      return command(bad ? "error" : "warning", fmt::format("rollout {}: {}{}", name, text, where),
                     json_string(d, "reason").empty() ? e.summary : json_string(d, "reason"));
    }
    case EventType::paused:
      return command("warning", fmt::format("rollout {}: paused{}", name, where), e.summary);
    case EventType::warning:
      return command("warning", fmt::format("rollout {}", name),
                     json_string(d, "message").empty() ? e.summary : json_string(d, "message"));
    default:
      return {};
  }
}

void GithubAnnotations::on_event(const Event& event) {
  if (event.type == EventType::rollout_started) name_ = json_string(event.data, "name");
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
