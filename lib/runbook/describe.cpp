// Describing steps and thresholds for people: plan output and engine step descriptions.
#include "runbook/describe.hpp"
#include "core/overloaded.hpp"

#include <fmt/format.h>

#include "core/redact.hpp"
#include "core/units.hpp"
#include "runbook/gate.hpp"

namespace rollout::runbook {

namespace {

std::string traffic(int canary) {
  return fmt::format("set traffic {}/{} (stable/canary)", 100 - canary, canary);
}

}  // namespace

std::string display(std::string_view raw, const Expander& ex, bool shell) {
  if (!shell) return secrets().redact(ex.expand_lenient(raw));
  // Redacted before quoting: a quoted secret would no longer match what redact() looks for.
  return secrets().redact(ex.expand_lenient(
      raw, [](const std::string& v) { return shell_quote(secrets().redact(v)); }));
}

std::vector<std::string> display(const std::vector<std::string>& raw, const Expander& ex) {
  std::vector<std::string> out;
  for (const auto& r : raw) out.push_back(display(r, ex));
  return out;
}

std::string quote_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && a.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
                                         "NOPQRSTUVWXYZ0123456789-_./:=,+@%*") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

std::string gate_value_text(const Gate& gate, Unit unit) {
  if (!gate.word) return format_threshold(gate.threshold, unit);
  if (*gate.word == "true" || *gate.word == "false") return *gate.word;
  return "'" + *gate.word + "'";
}

std::string format_threshold(double value, Unit unit) {
  return format_quantity(value, dimension_of(unit));
}

std::string describe(const Step& step, const Runbook& book, const Expander& ex) {
  return std::visit(
      Overloaded{
          [](const WeightStep& w) { return traffic(w.canary); },
          [&](const HealthStep& h) {
            auto it = book.health.find(h.health);
            if (it == book.health.end()) return "health '" + h.health + "'";
            const Health& hc = it->second;
            std::string urls;
            for (const auto& u : hc.urls) urls += (urls.empty() ? "" : ", ") + display(u, ex);
            return fmt::format(
                "health '{}': {} answers {}{}{}, within {}", h.health, urls, hc.expect_status,
                hc.expect_body.empty() ? "" : " containing \"" + hc.expect_body + "\"",
                hc.successes == 1 ? "" : fmt::format(" {} times in a row", hc.successes),
                format_duration(hc.deadline));
          },
          [&](const GateStep& g) { return "gate " + g.gate.text + " (measured once)"; },
          [&](const RunStep& r) {
            std::string s = r.shell.empty() ? "run " + quote_argv(display(r.argv, ex))
                                            : "shell: " + display(r.shell, ex, true);
            if (!r.cwd.empty()) s += " in " + display(r.cwd, ex);
            if (r.background) {
              // Not waited for: watched while the stage runs, stopped when it ends.
              s += " in the background (";
              if (r.timeout_given) s += "at most " + format_duration(r.timeout) + ", ";
              s += "stopped when the stage ends, SIGKILL after " + format_duration(r.grace);
              if (r.fail_on_exit) s += "; exiting early fails the stage";
            } else {
              s += " (timeout " + format_duration(r.timeout);
            }
            if (r.expect_exit != std::vector<int>{0}) {
              s += ", exit ";
              for (std::size_t i = 0; i < r.expect_exit.size(); ++i)
                s += (i ? "|" : "") + std::to_string(r.expect_exit[i]);
            }
            return s + ")";
          },
          [&](const KillStep& k) {
            std::string target = !k.pidfile.empty() ? "the process in " + display(k.pidfile, ex)
                                 : !k.name.empty()
                                     ? "processes named " + display(k.name, ex)
                                     : "processes matching '" + display(k.pattern, ex) + "'";
            return fmt::format("kill {} (SIG{}, SIGKILL after {})", target, k.signal,
                               format_duration(k.grace));
          },
          [&](const HttpStep& h) {
            return fmt::format("{} {} (timeout {}, {} retr{})", h.method, display(h.url, ex),
                               format_duration(h.timeout), h.retries, h.retries == 1 ? "y" : "ies");
          },
          [](const PauseStep& p) {
            if (p.duration) return "pause " + format_duration(*p.duration);
            std::string s = "pause until `rollout advance`";
            if (p.approval_timeout)
              s += fmt::format(" (at most {}, then {})", format_duration(*p.approval_timeout),
                               to_string(p.on_timeout));
            return s;
          },
      },
      step.action);
}

std::optional<Duration> step_time_limit(const Step& step, const Runbook& book) {
  return std::visit(
      Overloaded{
          [&](const WeightStep&) -> std::optional<Duration> { return common(book.router).timeout; },
          [&](const HealthStep& h) -> std::optional<Duration> {
            auto it = book.health.find(h.health);
            return it == book.health.end() ? Duration{0} : it->second.deadline;
          },
          [&](const GateStep& g) -> std::optional<Duration> {
            auto c = book.checks.find(g.gate.check);
            if (c == book.checks.end()) return Duration{0};
            auto s = book.metrics.find(c->second.source);
            return s == book.metrics.end() ? Duration{0} : common(s->second).timeout;
          },
          // A background step holds nothing up: the stage goes on once it has started.
          [](const RunStep& r) -> std::optional<Duration> {
            return r.background ? Duration{0} : r.timeout;
          },
          [](const KillStep& k) -> std::optional<Duration> { return k.grace; },
          [](const HttpStep& h) -> std::optional<Duration> { return h.timeout * (h.retries + 1); },
          [](const PauseStep& p) -> std::optional<Duration> {
            if (p.duration) return *p.duration;
            return p.approval_timeout;
          },
      },
      step.action);
}

}  // namespace rollout::runbook
