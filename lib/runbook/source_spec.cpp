// [metrics.NAME] over its kinds: reading each table (the shared checks, then the kind's own
// keys) and dispatching the plan output to the kind.
#include "runbook/source_spec.hpp"

#include <nlohmann/json.hpp>

#include "core/template.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/parse.hpp"

namespace rollout::runbook {

const SourceCommon& common(const SourceSpec& s) {
  return std::visit([](const auto& k) -> const SourceCommon& { return k; }, s);
}
SourceCommon& common(SourceSpec& s) {
  return std::visit([](auto& k) -> SourceCommon& { return k; }, s);
}
const char* type_name(const SourceSpec& s) {
  return std::visit([](const auto& k) { return std::decay_t<decltype(k)>::kType; }, s);
}
bool pointer_query(const SourceSpec& s) {
  return std::visit([](const auto& k) { return std::decay_t<decltype(k)>::kPointerQuery; }, s);
}

std::optional<std::string> incomplete(const SourceSpec& s) {
  auto missing = std::visit([](const auto& k) { return incomplete(k); }, s);
  if (!missing) return std::nullopt;
  return "[metrics." + common(s).name + "] " + type_name(s) + " needs " + *missing;
}

nlohmann::json plan_json(const SourceSpec& s, const Expander& ex) {
  nlohmann::json j = {{"type", type_name(s)}, {"timeout_ms", common(s).timeout.count()}};
  std::visit([&](const auto& k) { plan_fields(k, ex, j); }, s);
  return j;
}

std::string plan_line(const SourceSpec& s, const Expander& ex) {
  return std::visit([&](const auto& k) { return plan_line(k, type_name(s), ex); }, s);
}

void parse_metrics(const toml::table& doc, Runbook& book, Reader& r) {
  r.named_tables(doc, "metrics", "with type = ...",
                 [&](const std::string& name, const toml::table& table) {
                   const toml::table* t = &table;
                   SourceSpec src;
                   common(src).name = name;
                   common(src).pos = Reader::pos(*t);
                   KindFamily family;
                   family.what = "[metrics." + name + "]";
                   family.wrong_kind = [](const std::string& key, const std::string& type,
                                          const std::vector<std::string>& own) {
                     return "'" + key + "' does not apply to a \"" + type + "\" source (it takes " +
                            Reader::join(own) + ", timeout)";
                   };
                   family.where = [what = family.what](const std::string&) { return what; };
                   parse_kind(
                       *t, r, family, src,
                       [](const SourceSpec& from, SourceSpec& to) { common(to) = common(from); },
                       [&](SourceSpec& out) {
                         if (auto d = r.duration(*t, "timeout")) common(out).timeout = *d;
                       });
                   book.metrics[name] = std::move(src);
                 });
}

}  // namespace rollout::runbook
