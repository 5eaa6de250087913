// Checks that span the whole runbook, run once every section is read: each ${...}
// template against what exists where it is used, [vars] cycles, and the stage sequence.
#include "core/suggest.hpp"
#include "core/template.hpp"
#include "runbook/parse.hpp"

namespace rollout::runbook {

namespace {

// Secrets shorter than this match ordinary text when they are redacted.
constexpr std::size_t kShortSecret = 4;

const std::vector<std::string> kNamespaces = {"vars", "env", "rollout", "stage", "weight", "event"};

const std::map<std::string, std::vector<std::string>> kRuntime = {
    {"rollout", {"name"}},
    {"stage", {"name", "weight"}},
    {"weight", {"stable", "canary"}},
    {"event", {"type", "summary"}},
};

Pos at(const TemplateUse& use, std::size_t offset) {
  Pos p = use.pos;
  if (use.one_line && p.line != 0) p.col += 1 + static_cast<int>(offset);
  return p;
}

void check_template(const TemplateUse& use, const Runbook& book, Reader& r,
                    const LoadOptions& options) {
  const std::string& s = use.raw;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, 3, "$${") == 0) {
      i += 3;
      continue;
    }
    if (s.compare(i, 2, "${") != 0) {
      ++i;
      continue;
    }
    const auto close = s.find('}', i + 2);
    if (close == std::string::npos) {
      r.error(at(use, i),
              "unterminated '${': a template ends with '}' (write $${ for a literal ${)");
      return;
    }
    const std::string ref = s.substr(i + 2, close - i - 2);
    const auto dot = ref.find('.');
    const std::string ns = ref.substr(0, dot);
    const std::string name = dot == std::string::npos ? "" : ref.substr(dot + 1);
    const Pos p = at(use, i);
    if (std::find(kNamespaces.begin(), kNamespaces.end(), ns) == kNamespaces.end()) {
      r.error(p, "unknown template ${" + ref + "}" + did_you_mean(ns, kNamespaces) +
                     ": templates are ${vars.X}, ${env.X}, ${rollout.name}, ${stage.name}, "
                     "${stage.weight}, ${weight.stable}, ${weight.canary}, ${event.type}, "
                     "${event.summary} (write $${ for a literal ${)");
    } else if (name.empty()) {
      r.error(p, "template ${" + ref + "} names nothing: write ${" + ns + ".NAME}");
    } else if (ns == "vars") {
      if (!book.vars.count(name))
        r.error(p, "${vars." + name + "} is not defined in [vars]" +
                       did_you_mean(name, keys_of(book.vars)));
    } else if (ns == "env") {
      const auto value = options.env ? options.env(name) : std::nullopt;
      if (value && value->size() < kShortSecret) {
        // Every ${env.X} value is a secret, redacted wherever rollout prints or stores text:
        // a value this short is also ordinary text ("42", "on"), which would be hidden too.
        r.warning(p, "${env." + name + "} is " + std::to_string(value->size()) +
                         " characters long: as a secret it is redacted everywhere, and a value "
                         "shorter than " +
                         std::to_string(kShortSecret) +
                         " characters also hides ordinary text (put a value that is no secret "
                         "in [vars])");
      }
      if (!value) {
        if (options.require_env)
          r.error(p, "${env." + name + "} is not set in the environment");
        else
          r.warning(p, "${env." + name + "} is not set in the environment (start will refuse)");
      }
    } else {
      const auto& names = kRuntime.at(ns);
      if (std::find(names.begin(), names.end(), name) == names.end())
        r.error(p, "unknown template ${" + ref + "}" + did_you_mean(name, names) + ": ${" + ns +
                       ".} has " + Reader::join(names));
      else if (ns == "event" && use.scope != Scope::notify)
        r.error(p, "${" + ref + "} is only known in a [[notify]] body, url or header");
      else if (ns == "stage" && use.scope == Scope::rollback)
        r.error(p, "${" + ref +
                       "} has no value in a [rollback] step: a rollback runs outside any stage "
                       "(${weight.stable} and ${weight.canary} say where traffic is)");
    }
    i = close + 1;
  }
}

// [vars] that refer to each other in a circle would never finish expanding.
void check_var_cycles(const Runbook& book, const ParseExtras& extras, Reader& r) {
  const EnvLookup any_env = [](const std::string&) -> std::optional<std::string> {
    return std::string("x");
  };
  Expander ex(book.vars, any_env);
  for (const auto& [name, raw] : book.vars) {
    if (raw.find("${vars.") == std::string::npos) continue;
    Expander e = ex;
    for (const auto& [ns, keys] : kRuntime)
      for (const auto& k : keys) e = e.with(ns + "." + k, "x");
    auto v = e.expand(raw);
    if (!v && v.error().message.find("cycle") != std::string::npos) {
      auto it = extras.var_pos.find(name);
      r.error(it == extras.var_pos.end() ? Pos{} : it->second,
              "vars." + name + " refers back to itself through other [vars]");
    }
  }
}

void check_stages(const Runbook& book, Reader& r) {
  if (book.stages.empty()) return;
  for (std::size_t i = 1; i < book.stages.size(); ++i) {
    const auto& prev = book.stages[i - 1];
    const auto& s = book.stages[i];
    if (s.weight < prev.weight)
      r.warning(s.pos, "stage '" + s.name + "' sends less traffic (" + std::to_string(s.weight) +
                           "%) to the new version than stage '" + prev.name + "' before it (" +
                           std::to_string(prev.weight) + "%)");
  }
  const auto& last = book.stages.back();
  if (last.weight != 100)
    r.warning(last.pos, "the last stage '" + last.name + "' leaves the new version at " +
                            std::to_string(last.weight) +
                            "%: the rollout ends without taking all traffic");
  for (const auto& s : book.stages)
    if (!s.gates.empty() && s.hold.count() == 0)
      r.warning(s.pos, "stage '" + s.name + "' has gates but no hold: they are never measured");
}

}  // namespace

void validate_document(const Runbook& book, const ParseExtras& extras, Reader& r,
                       const LoadOptions& options) {
  for (const auto& use : r.templates) check_template(use, book, r, options);
  check_var_cycles(book, extras, r);
  check_stages(book, r);
}

}  // namespace rollout::runbook
