// [router] over its kinds: reading the table (the shared checks, then the kind's own keys)
// and dispatching the plan output and descriptions to the kind.
#include "runbook/router_spec.hpp"

#include <nlohmann/json.hpp>

#include "core/template.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/parse.hpp"

namespace rollout::runbook {

const RouterCommon& common(const RouterSpec& r) {
  return std::visit([](const auto& k) -> const RouterCommon& { return k; }, r);
}
RouterCommon& common(RouterSpec& r) {
  return std::visit([](auto& k) -> RouterCommon& { return k; }, r);
}
const char* type_name(const RouterSpec& r) {
  return std::visit([](const auto& k) { return std::decay_t<decltype(k)>::kType; }, r);
}

std::optional<std::string> incomplete(const RouterSpec& r) {
  auto missing = std::visit([](const auto& k) { return incomplete(k); }, r);
  if (!missing) return std::nullopt;
  return std::string("[router] ") + type_name(r) + " needs " + *missing;
}

nlohmann::json plan_json(const RouterSpec& r, const Expander& ex) {
  nlohmann::json j = {{"type", type_name(r)}, {"timeout_ms", common(r).timeout.count()}};
  std::visit([&](const auto& k) { plan_fields(k, ex, j); }, r);
  return j;
}

std::string plan_line(const RouterSpec& r, const Expander& ex) {
  return std::visit([&](const auto& k) { return plan_line(k, ex); }, r);
}

std::string plan_call(const RouterSpec& r, const Expander& ex) {
  return std::visit([&](const auto& k) { return plan_call(k, ex); }, r);
}

std::string describe(const RouterSpec& r) {
  return std::visit([](const auto& k) { return describe(k); }, r);
}

void parse_router(const toml::table& doc, Runbook& book, Reader& r) {
  const toml::node* n = doc.get("router");
  if (!n) {
    r.error(Pos{1, 1}, "missing [router]: say how traffic is split (type = " +
                           quoted_list(kind_names<RouterSpec>()) + ")");
    return;
  }
  const toml::table* t = n->as_table();
  if (!t) {
    r.error(Reader::pos(*n), "'router' must be a table ([router]), got " + Reader::type_name(*n));
    return;
  }
  KindFamily family;
  family.what = "[router]";
  family.wrong_kind = [&](const std::string& key, const std::string& type,
                          const std::vector<std::string>& own) {
    std::vector<std::string> allowed = own;
    allowed.insert(allowed.end(), family.common.begin(), family.common.end());
    return "'" + key + "' does not apply to router type \"" + type + "\" (it takes " +
           Reader::join(allowed) + ")";
  };
  family.where = [](const std::string& type) { return "[router] type = \"" + type + "\""; };
  common(book.router).pos = Reader::pos(*t);
  parse_kind(
      *t, r, family, book.router,
      [](const RouterSpec& from, RouterSpec& to) { common(to) = common(from); },
      [&](RouterSpec& out) {
        if (auto d = r.duration(*t, "timeout")) common(out).timeout = *d;
      });
}

}  // namespace rollout::runbook
