// Expanding ${...} templates. "$${" is a literal "${" (e.g. for a shell step's own ${HOME}).
#include "core/template.hpp"

#include <cstdlib>

#include "core/redact.hpp"

namespace rollout {

namespace {

// [vars] may refer to each other; a chain deeper than this is a cycle.
constexpr int kMaxDepth = 16;

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

Expander::Expander(std::map<std::string, std::string> vars, EnvLookup env)
    : vars_(std::move(vars)), env_(std::move(env)) {
  if (!env_) env_ = process_env();
}

Expander Expander::with(const std::string& key, std::string value) const {
  Expander copy = *this;
  copy.values_[key] = std::move(value);
  return copy;
}

namespace {

struct Walker {
  const std::map<std::string, std::string>& vars;
  const std::map<std::string, std::string>& values;
  const EnvLookup& env;
  bool quote = false;  // a shell string: each top-level value becomes one quoted word
  // Display (expand_lenient): a top-level template that cannot be resolved stays as written,
  // and each resolved one goes through `show` when set.
  bool lenient = false;
  const std::function<std::string(const std::string&)>* show = nullptr;

  Result<std::string> resolve(const std::string& ref, int depth) const {
    if (auto it = values.find(ref); it != values.end()) return it->second;
    const auto dot = ref.find('.');
    const std::string ns = ref.substr(0, dot);
    const std::string name = dot == std::string::npos ? "" : ref.substr(dot + 1);
    if (ns == "vars") {
      auto it = vars.find(name);
      if (it == vars.end()) return make_error("${" + ref + "} is not defined in [vars]");
      if (depth >= kMaxDepth)
        return make_error("${" + ref + "} refers to itself through other [vars] (a cycle)");
      return expand(it->second, depth + 1);
    }
    if (ns == "env") {
      if (name.empty()) return make_error("${env.} names no variable");
      auto v = env(name);
      if (!v) return make_error("${" + ref + "} is not set in the environment");
      secrets().add(*v);
      return *v;
    }
    if (ns == "rollout" || ns == "stage" || ns == "weight" || ns == "event")
      return make_error("${" + ref + "} has no value here");
    return make_error("unknown template ${" + ref + "}");
  }

  Result<std::string> expand(std::string_view raw, int depth) const {
    std::string out;
    out.reserve(raw.size());
    std::size_t i = 0;
    while (i < raw.size()) {
      if (raw.compare(i, 3, "$${") == 0) {
        out += "${";
        i += 3;
        continue;
      }
      if (raw.compare(i, 2, "${") == 0) {
        const bool top_lenient = lenient && depth == 0;
        const auto close = raw.find('}', i + 2);
        if (close == std::string_view::npos) {
          if (!top_lenient) return make_error("unterminated '${' (a template ends with '}')");
          out += raw.substr(i);
          break;
        }
        auto value = resolve(std::string(raw.substr(i + 2, close - i - 2)), depth);
        if (!value && top_lenient)
          out += raw.substr(i, close - i + 1);
        else if (!value)
          return value;
        else if (top_lenient && show && *show)
          out += (*show)(*value);
        else
          out += quote && depth == 0 ? shell_quote(*value) : *value;
        i = close + 1;
        continue;
      }
      out += raw[i++];
    }
    return out;
  }
};

}  // namespace

Result<std::string> Expander::expand(std::string_view raw) const {
  if (raw.find("${") == std::string_view::npos) return std::string(raw);
  return Walker{vars_, values_, env_}.expand(raw, 0);
}

Result<std::string> Expander::expand_shell(std::string_view raw) const {
  if (raw.find("${") == std::string_view::npos) return std::string(raw);
  return Walker{vars_, values_, env_, true}.expand(raw, 0);
}

std::string Expander::expand_lenient(
    std::string_view raw, const std::function<std::string(const std::string&)>& show) const {
  Walker w{vars_, values_, env_};
  w.lenient = true;
  w.show = &show;
  auto out = w.expand(raw, 0);
  return out ? *out : std::string(raw);  // lenient at the top: cannot fail
}

std::string shell_quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::optional<std::size_t> template_in_quotes(std::string_view shell) {
  char quote = 0;  // the quote we are inside: ', " or none
  for (std::size_t i = 0; i < shell.size(); ++i) {
    const char c = shell[i];
    if (quote != '\'' && c == '\\') {  // an escaped character is literal (not in '...')
      ++i;
      continue;
    }
    if (shell.compare(i, 3, "$${") == 0) {
      i += 2;
      continue;
    }
    if (quote && shell.compare(i, 2, "${") == 0) return i;
    if (c == '\'' && quote != '"')
      quote = quote ? 0 : '\'';
    else if (c == '"' && quote != '\'')
      quote = quote ? 0 : '"';
  }
  return std::nullopt;
}

Result<std::vector<std::string>> Expander::expand(const std::vector<std::string>& raw) const {
  std::vector<std::string> out;
  out.reserve(raw.size());
  for (const auto& r : raw) {
    auto v = expand(r);
    if (!v) return v.error();
    out.push_back(std::move(*v));
  }
  return out;
}

std::vector<std::string> template_refs(std::string_view raw) {
  std::vector<std::string> refs;
  std::size_t i = 0;
  while (i < raw.size()) {
    if (raw.compare(i, 3, "$${") == 0) {
      i += 3;
      continue;
    }
    if (raw.compare(i, 2, "${") == 0) {
      const auto close = raw.find('}', i + 2);
      if (close == std::string_view::npos) break;
      refs.emplace_back(raw.substr(i + 2, close - i - 2));
      i = close + 1;
      continue;
    }
    ++i;
  }
  return refs;
}

}  // namespace rollout
