// Expanding a runbook field for a provider, the error naming where the field is
// ("[router] backend: ${vars.x} is not defined in [vars]").
#pragma once

#include <map>
#include <string>

#include "core/result.hpp"
#include "core/template.hpp"

namespace rollout::providers {

template <class T>
Result<T> expand_at(const Expander& e, const T& raw, const std::string& where) {
  auto v = e.expand(raw);
  if (!v) return make_error(where + ": " + v.error().message);
  return *v;
}

inline Result<std::map<std::string, std::string>> expand_at(
    const Expander& e, const std::map<std::string, std::string>& headers,
    const std::string& where) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : headers) {
    auto value = expand_at(e, v, where + "." + k);
    if (!value) return value.error();
    out[k] = *value;
  }
  return out;
}

}  // namespace rollout::providers
