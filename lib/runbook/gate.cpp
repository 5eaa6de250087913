// Gate expressions: a small hand-written scanner, so every error has a column.
#include "runbook/gate.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/suggest.hpp"
#include "core/units.hpp"

namespace rollout::runbook {

namespace {

bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}
bool is_space(char c) {
  return c == ' ' || c == '\t';
}

GateSyntaxResult fail(std::string message, std::size_t offset) {
  GateSyntaxResult r;
  r.error = std::move(message);
  r.error_offset = offset;
  return r;
}

// A value that is not a number at `i`: true, false, or a string in '...' or "..." (no
// escapes: a runbook string holding a quote is written in the other kind of quotes).
struct WordScan {
  std::string word;   // "true", "false" or the string's characters
  std::string shown;  // as written
  std::size_t end = 0;
  std::string error;
};
std::optional<WordScan> scan_word(std::string_view text, std::size_t i) {
  const std::size_t n = text.size();
  if (i < n && (text[i] == '\'' || text[i] == '"')) {
    const std::size_t close = text.find(text[i], i + 1);
    if (close == std::string_view::npos)
      return WordScan{"", "", i, std::string("the string has no closing ") + text[i]};
    return WordScan{std::string(text.substr(i + 1, close - i - 1)),
                    std::string(text.substr(i, close - i + 1)), close + 1, ""};
  }
  for (std::string_view b : {"true", "false"}) {
    const std::size_t e = i + b.size();
    if (text.compare(i, b.size(), b) == 0 && (e == n || !is_name_char(text[e])))
      return WordScan{std::string(b), std::string(b), e, ""};
  }
  return std::nullopt;
}

GateSyntaxResult finish(std::string_view text, std::size_t i, GateSyntax g);

}  // namespace

GateSyntaxResult parse_gate_syntax(std::string_view text) {
  GateSyntax g;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto skip = [&] {
    while (i < n && is_space(text[i])) ++i;
  };
  skip();
  if (i == n) return fail("empty gate: expected 'CHECK OP VALUE', e.g. \"error_rate < 1%\"", 0);
  if (!is_name_start(text[i]))
    return fail("expected a check name at the start of the gate, e.g. \"error_rate < 1%\"", i);
  g.check_offset = i;
  while (i < n && is_name_char(text[i])) ++i;
  g.check = std::string(text.substr(g.check_offset, i - g.check_offset));
  skip();

  const std::size_t op_at = i;
  if (text.compare(i, 2, "<=") == 0)
    g.op = CompareOp::le, i += 2;
  else if (text.compare(i, 2, ">=") == 0)
    g.op = CompareOp::ge, i += 2;
  else if (i < n && text[i] == '<')
    g.op = CompareOp::lt, ++i;
  else if (i < n && text[i] == '>')
    g.op = CompareOp::gt, ++i;
  else if (text.compare(i, 2, "==") == 0)
    g.op = CompareOp::eq, i += 2;
  else if (text.compare(i, 2, "!=") == 0)
    g.op = CompareOp::ne, i += 2;
  else if (i < n && (text[i] == '=' || text[i] == '!'))
    return fail(
        "'" + std::string(1, text[i]) + "' is not a gate comparison: use <, <=, >, >=, == or !=",
        op_at);
  else if (i == n)
    return fail("expected <, <=, >, >=, == or != and a value after '" + g.check + "'", op_at);
  else
    return fail("expected <, <=, >, >=, == or != after '" + g.check + "', found '" +
                    std::string(1, text[i]) + "'",
                op_at);
  skip();

  g.value_offset = i;
  if (auto w = scan_word(text, i)) {
    if (!w->error.empty()) return fail(w->error, i);
    if (g.op != CompareOp::eq && g.op != CompareOp::ne)
      return fail("'" + std::string(to_string(g.op)) + "' compares numbers: " + w->shown +
                      " is compared with == or !=",
                  op_at);
    g.word = w->word;
    i = w->end;
    return finish(text, i, std::move(g));
  }
  std::size_t j = i;
  if (j < n && (text[j] == '-' || text[j] == '+')) ++j;
  while (j < n && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
  if (j == i || (j == i + 1 && (text[i] == '-' || text[i] == '+'))) {
    const bool eq = g.op == CompareOp::eq || g.op == CompareOp::ne;
    const std::string op = to_string(g.op);
    return fail(i == n ? "expected a threshold after '" + op + "'"
                : eq   ? "expected a number, true, false or a quoted string after '" + op +
                           "' (write 'ok' in quotes)"
                     : "expected a number after '" + op + "'",
                i);
  }
  const char* first = text.data() + i + (text[i] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(first, text.data() + j, g.value);
  if (ec != std::errc() || end != text.data() + j || !std::isfinite(g.value))
    return fail("'" + std::string(text.substr(i, j - i)) + "' is not a number", i);
  i = j;

  // The unit: attached ("200ms") or after one space ("200 ms"), but never the word "for".
  std::size_t u = i;
  while (u < n && is_space(text[u])) ++u;
  std::size_t ue = u;
  while (ue < n && (std::isalpha(static_cast<unsigned char>(text[ue])) || text[ue] == '%')) ++ue;
  const std::string_view word = text.substr(u, ue - u);
  g.unit_offset = g.value_offset;
  if (!word.empty() && word != "for") {
    if (!unit_scale(word))
      return fail("unknown unit '" + std::string(word) + "'" + did_you_mean(word, unit_suffixes()) +
                      ": units are %, ms s m h, B KB MB GB KiB MiB GiB",
                  u);
    g.unit = std::string(word);
    g.unit_offset = u;
    i = ue;
  }
  return finish(text, i, std::move(g));
}

namespace {

// After the value: the end, or "for DURATION".
GateSyntaxResult finish(std::string_view text, std::size_t i, GateSyntax g) {
  const std::size_t n = text.size();
  auto skip = [&] {
    while (i < n && is_space(text[i])) ++i;
  };
  skip();
  if (i == n) return GateSyntaxResult{g, "", 0};

  const std::size_t for_at = i;
  std::size_t we = i;
  while (we < n && !is_space(text[we])) ++we;
  if (text.substr(i, we - i) != "for")
    return fail("unexpected '" + std::string(text.substr(i, we - i)) +
                    "': a gate ends after its threshold or with 'for DURATION'",
                i);
  i = we;
  skip();
  if (i == n) return fail("expected a duration after 'for', e.g. \"for 1h\"", for_at);
  g.sustain_offset = i;
  std::size_t de = n;
  while (de > i && is_space(text[de - 1])) --de;
  const std::string_view dur = text.substr(i, de - i);
  auto d = parse_duration(dur);
  if (!d) return fail("'" + std::string(dur) + "' is not a duration (like 30s, 5m, 1h30m)", i);
  g.sustain = *d;
  return GateSyntaxResult{g, "", 0};
}

// The number as written ("300", "0.5").
std::string written(double v) {
  return fmt::format("{}", v);
}

// What to write instead of a bare number, for the hint.
std::string unit_hint(double v, Dimension d) {
  const std::string n = written(v);
  switch (d) {
    case Dimension::ratio:
      return "write " + n + "% (a ratio check takes a percentage: 1% is 0.01)";
    case Dimension::seconds:
      return "write " + n + "ms or " + n + "s";
    case Dimension::bytes:
      return "write " + n + "B, " + n + "KB or " + n + "MiB";
    case Dimension::count:
      break;
  }
  return "";
}

}  // namespace

ThresholdResult gate_threshold(const GateSyntax& g, Unit check_unit) {
  ThresholdResult r;
  const Dimension want = dimension_of(check_unit);
  double value = g.value;
  if (g.unit.empty()) {
    // A bare number would be read in the base unit without a word ("p95 < 300" = 300 s).
    if (want != Dimension::count) {
      r.error = "'" + g.check + "' measures " + to_string(want) + " and " + written(g.value) +
                " has no unit: " + unit_hint(g.value, want);
      r.error_offset = g.value_offset;
      return r;
    }
  } else {
    const auto scale = unit_scale(g.unit);
    if (!scale || scale->dimension != want) {
      r.error = "unit '" + g.unit + "' does not fit check '" + g.check + "' (unit = \"" +
                to_string(check_unit) + "\"): ";
      r.error += want == Dimension::count ? std::string("a count takes a bare number")
                                          : "use " + unit_suffixes_for(want);
      r.error_offset = g.unit_offset;
      return r;
    }
    value = g.value * scale->factor;
  }
  // A threshold no measurement can reach on the other side makes the gate meaningless.
  if (want == Dimension::ratio && (value < 0 || value > 1)) {
    r.error = "threshold " + format_quantity(value, want) +
              " is impossible for a ratio: write a value between 0% and 100%";
    r.error_offset = g.value_offset;
    return r;
  }
  if (value < 0) {
    r.error = "threshold " + format_quantity(value, want) + " is impossible: " + to_string(want) +
              " cannot be negative";
    r.error_offset = g.value_offset;
    return r;
  }
  r.value = value;
  return r;
}

Result<Gate> parse_gate(std::string_view text, const std::map<std::string, Check>& checks) {
  auto s = parse_gate_syntax(text);
  if (!s.gate) return make_error(s.error);
  auto it = checks.find(s.gate->check);
  if (it == checks.end()) {
    std::vector<std::string> names;
    for (const auto& [name, c] : checks) names.push_back(name);
    return make_error("unknown check '" + s.gate->check + "'" + did_you_mean(s.gate->check, names));
  }
  Gate gate;
  if (!s.gate->word) {
    auto t = gate_threshold(*s.gate, it->second.unit);
    if (!t.value) return make_error(t.error);
    gate.threshold = *t.value;
  }
  gate.word = s.gate->word;
  gate.text = std::string(text);
  gate.check = s.gate->check;
  gate.op = s.gate->op;
  gate.sustain = s.gate->sustain;
  return gate;
}

Dimension dimension_of(Unit u) {
  switch (u) {
    case Unit::ratio:
      return Dimension::ratio;
    case Unit::seconds:
      return Dimension::seconds;
    case Unit::bytes:
      return Dimension::bytes;
    case Unit::count:
      return Dimension::count;
  }
  return Dimension::count;
}

}  // namespace rollout::runbook
