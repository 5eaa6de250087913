// ${...} templates in runbook strings. Values are substituted into single strings and
// argv elements; in a `shell` string each value becomes one single-quoted shell word, so
// a value never becomes shell syntax.
//   ${vars.X}   [vars] (their values may use ${env.X} and other vars)
//   ${env.X}    the environment; every value read is registered with secrets()
//   ${rollout.name} ${stage.name} ${stage.weight} ${weight.stable} ${weight.canary}
//   ${event.type} ${event.summary}   runtime values given with with()
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace rollout {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment (getenv).
EnvLookup process_env();

class Expander {
 public:
  Expander(std::map<std::string, std::string> vars, EnvLookup env);
  // A copy that also knows `key` (e.g. "weight.canary", "stage.name").
  Expander with(const std::string& key, std::string value) const;
  // Expands every ${...}; an unknown name or an unset ${env.X} is an Error naming it.
  Result<std::string> expand(std::string_view raw) const;
  Result<std::vector<std::string>> expand(const std::vector<std::string>& raw) const;
  // For a `shell` string: the runbook's own text stays shell, every template becomes
  // shell_quote(value) (a [vars] value is quoted whole, with what it refers to).
  Result<std::string> expand_shell(std::string_view raw) const;
  // For display (plans, step descriptions): never fails. A template that cannot be resolved
  // here (no value yet, like ${event.summary}, an unknown name, an unterminated '${') stays
  // as written; each resolved value goes through `show` when given (e.g. to redact and
  // quote it). "$${" is still a literal "${".
  std::string expand_lenient(std::string_view raw,
                             const std::function<std::string(const std::string&)>& show = {}) const;

 private:
  std::map<std::string, std::string> vars_;
  std::map<std::string, std::string> values_;
  EnvLookup env_;
};

// `value` as one single-quoted POSIX shell word: 'it'\''s' for "it's".
std::string shell_quote(std::string_view value);

// The offset of the first ${...} that stands inside '...' or "..." of a shell string, if
// any. There its quoted word would end the runbook's own quotes ('${x}' becomes ''v''), and
// inside "..." a $(...) in the value would run: such a template is refused.
std::optional<std::size_t> template_in_quotes(std::string_view shell);

// Every ${...} reference in `raw` ("vars.prom", "env.TOKEN", ...), in order, for validation.
std::vector<std::string> template_refs(std::string_view raw);

}  // namespace rollout
