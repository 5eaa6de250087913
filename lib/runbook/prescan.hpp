// Limits checked on the raw text before toml++ sees it: toml++ recurses once per dotted-key
// part and per nested value, so a hostile 80 KB file crashed it (stack overflow), and a huge
// file costs memory in every later pass. The scan is one linear pass with no allocation.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "runbook/load.hpp"

namespace rollout::runbook {

struct TextLimits {
  std::size_t max_bytes = 1024 * 1024;  // 1 MiB: the largest runbook is a few KiB
  int max_key_parts = 32;               // a.b.c = … and [a.b.c]: runbooks use 2 or 3
  int max_nesting = 32;                 // [ [ { … } ] ]: runbooks use 3
};

inline constexpr TextLimits kTextLimits{};

// The first breach of each limit as an error at its line and column (empty: all within).
// `what` names the file in messages ("runbook", "scenario").
std::vector<Diagnostic> prescan(std::string_view text, const std::string& path,
                                std::string_view what, const TextLimits& limits = kTextLimits);

}  // namespace rollout::runbook
