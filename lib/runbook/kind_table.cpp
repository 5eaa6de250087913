// The shared checks of a table whose `type` picks a kind, and the small reads kinds share.
#include "runbook/kind_table.hpp"

#include <algorithm>
#include <cctype>

#include "core/suggest.hpp"

namespace rollout::runbook {

namespace {

const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string quoted_list(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const auto& n : names) quoted.push_back("\"" + n + "\"");
  return Reader::join(quoted);
}

std::optional<std::size_t> check_kind_keys(
    const toml::table& t, Reader& r, const KindFamily& family,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& kinds) {
  std::vector<std::pair<std::string, std::size_t>> types;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    types.emplace_back(kinds[i].first, i);
    names.push_back(kinds[i].first);
  }
  std::optional<std::size_t> index;
  if (!t.contains("type"))
    r.error(Reader::pos(t), family.what + " needs 'type': " + quoted_list(names));
  else
    index = r.enumeration<std::size_t>(t, "type", types);
  // Every kind's keys, once each, for the did-you-mean.
  std::vector<std::string> every = family.common;
  for (const auto& [type, keys] : kinds)
    for (const auto& k : keys)
      if (!contains(every, k)) every.push_back(k);
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (!contains(every, key)) {
      r.error(Reader::pos(k),
              "unknown key '" + key + "' in " + family.what + did_you_mean(key, every));
    } else if (index && !contains(family.common, key) && !contains(kinds[*index].second, key)) {
      r.error(Reader::pos(k), family.wrong_kind(key, kinds[*index].first, kinds[*index].second));
    }
  }
  return index;
}

bool looks_like_url(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("${", 0) == 0;
}

void check_url(Reader& r, const toml::table& t, std::string_view key, const std::string& url) {
  if (looks_like_url(url)) return;
  r.error(Reader::pos(*t.get(key)),
          "'" + std::string(key) + "' = \"" + url + "\" is not an http:// or https:// URL");
}

std::optional<std::string> read_method(Reader& r, const toml::table& t) {
  auto m = r.string(t, "method");
  if (!m) return std::nullopt;
  std::string up = *m;
  for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!contains(kMethods, up)) {
    r.error(Reader::pos(*t.get("method")), "'method' cannot be \"" + *m + "\"" +
                                               did_you_mean(up, kMethods) + ": expected " +
                                               Reader::join(kMethods));
    return std::nullopt;
  }
  return up;
}

}  // namespace rollout::runbook
