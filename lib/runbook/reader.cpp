// Typed reads from toml++ nodes, each problem a Diagnostic at the node's position.
#include "runbook/reader.hpp"

#include "core/suggest.hpp"
#include "runbook/prescan.hpp"

namespace rollout::runbook {

std::optional<toml::table> parse_toml(std::string_view text, const std::string& path,
                                      std::string_view what, std::vector<Diagnostic>& out) {
  // Limits first: toml++ recurses per dotted-key part and nesting level (a hostile file
  // overflowed its stack), and every later pass costs time in the size of the text.
  if (auto over = prescan(text, path, what); !over.empty()) {
    out.insert(out.end(), over.begin(), over.end());
    return std::nullopt;
  }
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    out.push_back(
        {path, Reader::pos(e.source()), Diagnostic::Severity::error, std::string(e.description())});
    return std::nullopt;
  }
#else
  auto parsed = toml::parse(text, path);
  if (!parsed) {
    out.push_back({path, Reader::pos(parsed.error().source()), Diagnostic::Severity::error,
                   std::string(parsed.error().description())});
    return std::nullopt;
  }
  return std::move(parsed).table();
#endif
}

void Reader::error(Pos p, std::string message) {
  diagnostics.push_back({file_, p, Diagnostic::Severity::error, std::move(message)});
}

void Reader::warning(Pos p, std::string message) {
  diagnostics.push_back({file_, p, Diagnostic::Severity::warning, std::move(message)});
}

bool Reader::has_errors() const {
  for (const auto& d : diagnostics)
    if (d.severity == Diagnostic::Severity::error) return true;
  return false;
}

Pos Reader::pos(const toml::source_region& r) {
  return Pos{static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}
Pos Reader::pos(const toml::node& n) {
  return pos(n.source());
}
Pos Reader::pos(const toml::key& k) {
  return pos(k.source());
}

Pos Reader::pos_in_string(const toml::node& n, std::size_t offset) {
  const auto& s = n.source();
  Pos p = pos(s);
  // toml++ points at the opening quote; one-line strings map offsets to columns.
  if (p.line != 0 && s.end.line == s.begin.line) p.col += 1 + static_cast<int>(offset);
  return p;
}

std::string Reader::type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    default:
      return "nothing";
  }
}

std::string Reader::join(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

std::string Reader::suggestion(std::string_view word, const std::vector<std::string>& names) {
  return did_you_mean(word, names);
}

void Reader::known_keys(const toml::table& t, const std::vector<std::string>& allowed,
                        std::string_view what) {
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    bool found = false;
    for (const auto& a : allowed)
      if (a == key) found = true;
    if (found) continue;
    // A hostile 900 KB key must not come back as a 900 KB message.
    const std::string shown = key.size() > 64 ? key.substr(0, 64) + "..." : key;
    error(pos(k),
          "unknown key '" + shown + "' in " + std::string(what) + did_you_mean(key, allowed));
  }
}

bool Reader::require(const toml::table& t, std::string_view key, std::string_view what) {
  if (t.contains(key)) return true;
  error(pos(t), std::string(what) + " needs '" + std::string(key) + "'");
  return false;
}

void Reader::note_templates(const toml::node& n, const std::string& value) {
  if (value.find("${") == std::string::npos) return;
  const auto& s = n.source();
  TemplateUse use;
  use.raw = value;
  use.pos = pos(s);
  use.one_line = s.begin.line == s.end.line;
  use.scope = scope;
  templates.push_back(std::move(use));
}

std::optional<std::string> Reader::string(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  if (!n->is_string()) {
    error(pos(*n), "'" + std::string(key) + "' must be a string, got " + type_name(*n));
    return std::nullopt;
  }
  std::string v = n->as_string()->get();
  note_templates(*n, v);
  return v;
}

std::optional<std::vector<std::string>> Reader::strings(const toml::table& t,
                                                        std::string_view key) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) {
    error(pos(*n), "'" + std::string(key) + "' must be an array of strings, got " + type_name(*n) +
                       (n->is_string() ? " (write [\"...\"], one element per argument)" : ""));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const toml::node& e : *a) {
    if (!e.is_string()) {
      error(pos(e), "'" + std::string(key) + "' must hold only strings, got " + type_name(e));
      ok = false;
      continue;
    }
    out.push_back(e.as_string()->get());
    note_templates(e, out.back());
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::map<std::string, std::string>> Reader::string_map(const toml::table& t,
                                                                     std::string_view key) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  const toml::table* tab = n->as_table();
  if (!tab) {
    error(pos(*n), "'" + std::string(key) + "' must be a table of strings, got " + type_name(*n) +
                       " (e.g. " + std::string(key) +
                       " = { Authorization = \"Bearer ${env.TOKEN}\" })");
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  bool ok = true;
  for (auto&& [k, v] : *tab) {
    if (!v.is_string()) {
      error(pos(v), "'" + std::string(key) + "." + std::string(k.str()) +
                        "' must be a string, got " + type_name(v));
      ok = false;
      continue;
    }
    out[std::string(k.str())] = v.as_string()->get();
    note_templates(v, v.as_string()->get());
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::int64_t> Reader::integer(const toml::table& t, std::string_view key,
                                            std::int64_t min, std::int64_t max) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  if (!n->is_integer()) {
    std::string hint;
    if (n->is_floating_point()) hint = " (a whole number)";
    if (n->is_string()) hint = " (write it without quotes)";
    error(pos(*n), "'" + std::string(key) + "' must be an integer, got " + type_name(*n) + hint);
    return std::nullopt;
  }
  const std::int64_t v = n->as_integer()->get();
  if (v < min || v > max) {
    error(pos(*n), "'" + std::string(key) + "' must be between " + std::to_string(min) + " and " +
                       std::to_string(max) + ", got " + std::to_string(v));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Reader::boolean(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) {
    error(pos(*n), "'" + std::string(key) + "' must be true or false, got " + type_name(*n));
    return std::nullopt;
  }
  return n->as_boolean()->get();
}

std::optional<Duration> Reader::duration(const toml::node& n, std::string_view key) {
  if (!n.is_string()) {
    error(pos(n), "'" + std::string(key) +
                      "' must be a duration string like \"30s\" or \"1h30m\", got " + type_name(n));
    return std::nullopt;
  }
  const std::string& s = n.as_string()->get();
  auto d = parse_duration(s);
  if (!d) {
    error(pos(n), "'" + std::string(key) + "' = \"" + s +
                      "\" is not a duration: write a number and a unit (ms, s, m, h, d), "
                      "e.g. \"500ms\", \"30s\", \"1h30m\"");
    return std::nullopt;
  }
  // Every wait has a bound: a zero timeout is no limit to libcurl and an instant failure
  // to a command, neither of which anyone means.
  if (key == "timeout" && d->count() == 0) {
    error(pos(n), "'timeout' = \"" + s +
                      "\" would mean no limit (or an instant failure): give a duration above 0");
    return std::nullopt;
  }
  return d;
}

std::optional<Duration> Reader::duration(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  return duration(*n, key);
}

const toml::table* Reader::table(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (!n) return nullptr;
  if (!n->is_table()) {
    error(pos(*n), "'" + std::string(key) + "' must be a table, got " + type_name(*n));
    return nullptr;
  }
  return n->as_table();
}

void Reader::named_tables(const toml::table& doc, std::string_view section, std::string_view hint,
                          const std::function<void(const std::string&, const toml::table&)>& each) {
  const toml::table* all = table(doc, section);
  if (!all) return;
  const std::string sec(section);
  for (auto&& [k, v] : *all) {
    const std::string name(k.str());
    if (const toml::table* t = v.as_table()) {
      each(name, *t);
    } else {
      error(pos(v), sec + "." + name + " must be a table ([" + sec + "." + name + "] " +
                        std::string(hint) + "), got " + type_name(v));
    }
  }
}

const toml::array* Reader::array(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (!n) return nullptr;
  if (!n->is_array()) {
    error(pos(*n), "'" + std::string(key) + "' must be an array, got " + type_name(*n));
    return nullptr;
  }
  return n->as_array();
}

}  // namespace rollout::runbook
