// Typed reads from toml++ nodes that turn every problem into a Diagnostic with the node's
// line and column, so one pass reports all of a file's errors (runbooks and scenarios).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "core/duration.hpp"
#include "runbook/load.hpp"

namespace rollout::runbook {

// A file's TOML, once its text is within prescan()'s limits: nullopt, with the located
// diagnostic appended, when it is over a limit or not TOML. `what` names the file in
// messages ("runbook", "scenario").
std::optional<toml::table> parse_toml(std::string_view text, const std::string& path,
                                      std::string_view what, std::vector<Diagnostic>& out);

// Where a templated string sits decides which ${...} names it may use.
enum class Scope { vars, general, notify, rollback };

struct TemplateUse {
  std::string raw;
  Pos pos;        // of the string's first character (after the quote)
  bool one_line;  // offsets within the string map to columns
  Scope scope;
};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  std::vector<Diagnostic> diagnostics;
  std::vector<TemplateUse> templates;
  Scope scope = Scope::general;

  void error(Pos pos, std::string message);
  void warning(Pos pos, std::string message);
  bool has_errors() const;

  static Pos pos(const toml::node& n);
  static Pos pos(const toml::key& k);
  static Pos pos(const toml::source_region& r);
  // The column of character `offset` inside a string node (one-line strings only).
  static Pos pos_in_string(const toml::node& n, std::size_t offset);

  // Unknown keys are errors with a did-you-mean. `what` names the table in messages.
  void known_keys(const toml::table& t, const std::vector<std::string>& allowed,
                  std::string_view what);
  // A required key that is missing: error at the table.
  bool require(const toml::table& t, std::string_view key, std::string_view what);

  // Typed reads. Absent: nullopt, silently. Wrong type or bad value: error, nullopt.
  std::optional<std::string> string(const toml::table& t, std::string_view key);
  std::optional<std::vector<std::string>> strings(const toml::table& t, std::string_view key);
  std::optional<std::map<std::string, std::string>> string_map(const toml::table& t,
                                                               std::string_view key);
  std::optional<std::int64_t> integer(const toml::table& t, std::string_view key, std::int64_t min,
                                      std::int64_t max);
  std::optional<bool> boolean(const toml::table& t, std::string_view key);
  std::optional<Duration> duration(const toml::table& t, std::string_view key);
  std::optional<Duration> duration(const toml::node& n, std::string_view key);
  const toml::table* table(const toml::table& t, std::string_view key);
  const toml::array* array(const toml::table& t, std::string_view key);
  // Each [SECTION.NAME] of `doc` that is a table, with its name; an entry that is not a
  // table is an error that says what it should hold (`hint`, e.g. "with urls = [...]").
  void named_tables(const toml::table& doc, std::string_view section, std::string_view hint,
                    const std::function<void(const std::string&, const toml::table&)>& each);

  // A string that must be one of `values`; a misspelling gets a did-you-mean.
  template <class E>
  std::optional<E> enumeration(const toml::table& t, std::string_view key,
                               const std::vector<std::pair<std::string, E>>& values) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    auto s = n->value<std::string>();
    std::vector<std::string> names;
    for (const auto& [name, v] : values) names.push_back(name);
    if (!n->is_string()) {
      error(pos(*n), "'" + std::string(key) + "' must be a string, one of " + join(names) +
                         "; got " + type_name(*n));
      return std::nullopt;
    }
    for (const auto& [name, v] : values)
      if (*s == name) return v;
    error(pos(*n), "'" + std::string(key) + "' cannot be \"" + *s + "\"" + suggestion(*s, names) +
                       ": expected " + join(names));
    return std::nullopt;
  }

  // The string must be a template-checked string (record it for the ${...} pass).
  void note_templates(const toml::node& n, const std::string& value);

  static std::string type_name(const toml::node& n);
  static std::string join(const std::vector<std::string>& names);
  static std::string suggestion(std::string_view word, const std::vector<std::string>& names);

 private:
  std::string file_;
};

}  // namespace rollout::runbook
