// Internal to lib/runbook: reading a table whose `type` picks a kind of a variant
// ([router], [metrics.NAME]). The common keys, the type and unknown keys are checked here,
// once for every kind: an unknown key gets a did-you-mean over every kind's keys, a key of
// another kind is called out as such; then the chosen kind's parse() reads its own keys.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <toml++/toml.h>

#include "runbook/reader.hpp"

namespace rollout::runbook {

// What a kind's parse() reads from: its table, the reader, and how `require` names it.
class KindTable {
 public:
  KindTable(const toml::table& table, Reader& reader, std::string where)
      : t(table), r(reader), where_(std::move(where)) {}
  const toml::table& t;
  Reader& r;
  bool require(std::string_view key) { return r.require(t, key, where_); }

 private:
  std::string where_;  // "[router] type = \"exec\"", "[metrics.prom]"
};

// How one family of kinds talks about itself in messages.
struct KindFamily {
  std::string what;  // "[router]", "[metrics.prom]"
  std::vector<std::string> common = {"type", "timeout"};
  // "'KEY' does not apply to ...": the message for a key of another kind.
  std::function<std::string(const std::string& key, const std::string& type,
                            const std::vector<std::string>& own)>
      wrong_kind;
  // How `require` names the table once the type is known.
  std::function<std::string(const std::string& type)> where;
};

// The shared checker: whether `type` names a kind (nullopt: reported), every key of the
// table known to some kind, and none of another kind's. `kinds` are (type, own keys) in
// the order messages list them.
std::optional<std::size_t> check_kind_keys(
    const toml::table& t, Reader& r, const KindFamily& family,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& kinds);

// The kinds' type names, in the variant's order, and as messages list them
// ("\"haproxy\", \"http\" or \"exec\"").
template <class Variant>
std::vector<std::string> kind_names() {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::vector<std::string>{std::variant_alternative_t<I, Variant>::kType...};
  }
  (std::make_index_sequence<std::variant_size_v<Variant>>{});
}
std::string quoted_list(const std::vector<std::string>& names);

// [router] or [metrics.NAME] into `out`: checked as above, then, when the type is known,
// `out` becomes that kind (keeping what `keep` copies over, e.g. name and position) and
// the kind's parse() reads its own keys. `read_common` reads the common keys into `out`.
template <class Variant, class Keep, class ReadCommon>
void parse_kind(const toml::table& t, Reader& r, const KindFamily& family, Variant& out, Keep keep,
                ReadCommon read_common) {
  constexpr std::size_t n = std::variant_size_v<Variant>;
  std::vector<std::pair<std::string, std::vector<std::string>>> kinds;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (kinds.emplace_back(std::variant_alternative_t<I, Variant>::kType,
                        std::variant_alternative_t<I, Variant>::kKeys),
     ...);
  }
  (std::make_index_sequence<n>{});
  const auto index = check_kind_keys(t, r, family, kinds);
  read_common(out);
  if (!index) return;
  Variant chosen;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((*index == I ? (void)chosen.template emplace<I>() : void()), ...);
  }
  (std::make_index_sequence<n>{});
  keep(out, chosen);
  out = std::move(chosen);
  KindTable kt(t, r, family.where(kinds[*index].first));
  std::visit([&](auto& spec) { parse(kt, spec); }, out);
}

// Shared by the kinds and the other sections.
bool looks_like_url(const std::string& s);  // http(s)://, or a template checked when expanded
void check_url(Reader& r, const toml::table& t, std::string_view key, const std::string& url);
std::optional<std::string> read_method(Reader& r, const toml::table& t);  // GET, POST, ...

}  // namespace rollout::runbook
