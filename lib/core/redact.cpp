// The process-wide set of secrets (values read through ${env.X}) and their redaction.
#include "core/redact.hpp"

#include <algorithm>

namespace rollout {

void Secrets::add(std::string value) {
  if (value.empty()) return;
  std::lock_guard lock(mu_);
  if (std::find(values_.begin(), values_.end(), value) != values_.end()) return;
  values_.push_back(std::move(value));
  std::stable_sort(values_.begin(), values_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Secrets::redact(std::string_view text) const {
  std::lock_guard lock(mu_);
  std::string out(text);
  for (const auto& secret : values_) {
    std::size_t at = 0;
    while ((at = out.find(secret, at)) != std::string::npos) {
      out.replace(at, secret.size(), "***");
      at += 3;
    }
  }
  return out;
}

nlohmann::json Secrets::redact(const nlohmann::json& value) const {
  if (value.is_string()) return redact(std::string_view(value.get_ref<const std::string&>()));
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : value) out.push_back(redact(v));
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = redact(it.value());
    return out;
  }
  return value;
}

bool Secrets::empty() const {
  std::lock_guard lock(mu_);
  return values_.empty();
}

std::size_t Secrets::longest() const {
  std::lock_guard lock(mu_);
  return values_.empty() ? 0 : values_.front().size();
}

Secrets& secrets() {
  static Secrets instance;
  return instance;
}

}  // namespace rollout
