// The pre-parse scan: strings and comments are skipped as TOML reads them, so a '.' or a
// '[' inside a string never counts; everything else counts dotted-key parts and nesting.
#include "runbook/prescan.hpp"

#include <fmt/format.h>

namespace rollout::runbook {

namespace {

bool is_bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string bytes_text(std::size_t n) {
  if (n % (1024 * 1024) == 0) return fmt::format("{} MiB", n / (1024 * 1024));
  if (n % 1024 == 0) return fmt::format("{} KiB", n / 1024);
  return fmt::format("{} bytes", n);
}

}  // namespace

std::vector<Diagnostic> prescan(std::string_view text, const std::string& path,
                                std::string_view what, const TextLimits& limits) {
  std::vector<Diagnostic> out;
  auto error = [&](Pos p, std::string message) {
    out.push_back({path, p, Diagnostic::Severity::error, std::move(message)});
  };
  const std::size_t n = std::min(text.size(), limits.max_bytes);
  enum class In { plain, comment, basic, literal, ml_basic, ml_literal };
  In in = In::plain;
  int line = 1, col = 1;
  int dots = 0, depth = 0;
  bool parts_reported = false, nesting_reported = false;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[i];
    const Pos here{line, col};
    switch (in) {
      case In::comment:
        if (c == '\n') in = In::plain;
        break;
      case In::basic:
        if (c == '\\' && i + 1 < n && text[i + 1] != '\n')
          ++i, ++col;
        else if (c == '"' || c == '\n')
          in = In::plain;
        break;
      case In::literal:
        if (c == '\'' || c == '\n') in = In::plain;
        break;
      case In::ml_basic:
        if (c == '\\' && i + 1 < n && text[i + 1] != '\n')
          ++i, ++col;
        else if (text.compare(i, 3, R"(""")") == 0)
          in = In::plain, i += 2, col += 2;
        break;
      case In::ml_literal:
        if (text.compare(i, 3, "'''") == 0) in = In::plain, i += 2, col += 2;
        break;
      case In::plain:
        if (c == '#') {
          in = In::comment;
        } else if (c == '"') {
          const bool ml = text.compare(i, 3, R"(""")") == 0;
          in = ml ? In::ml_basic : In::basic;
          if (ml) i += 2, col += 2;
        } else if (c == '\'') {
          const bool ml = text.compare(i, 3, "'''") == 0;
          in = ml ? In::ml_literal : In::literal;
          if (ml) i += 2, col += 2;
        } else if (c == '.') {
          if (++dots + 1 > limits.max_key_parts && !parts_reported) {
            parts_reported = true;
            error(here, fmt::format("a dotted key or table header of more than {} parts: a {} "
                                    "may have at most {} (a.b.c is 3)",
                                    limits.max_key_parts, what, limits.max_key_parts));
          }
        } else if (c == '[' || c == '{') {
          dots = 0;
          if (++depth > limits.max_nesting && !nesting_reported) {
            nesting_reported = true;
            error(here, fmt::format("arrays and inline tables nested more than {} deep: a {} "
                                    "may nest at most {}",
                                    limits.max_nesting, what, limits.max_nesting));
          }
        } else if (c == ']' || c == '}') {
          dots = 0;
          if (depth > 0) --depth;
        } else if (!is_bare_key_char(c) && c != ' ' && c != '\t') {
          dots = 0;
        }
        break;
    }
    if (c == '\n') {
      ++line;
      col = 1;
      if (in == In::basic || in == In::literal || in == In::comment) in = In::plain;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++col;
    }
  }
  if (text.size() > limits.max_bytes)
    error(Pos{line, col}, fmt::format("the {} is larger than {} ({} bytes), the most rollout reads",
                                      what, bytes_text(limits.max_bytes), limits.max_bytes));
  return out;
}

}  // namespace rollout::runbook
