// Splitting "LOW < CHECK < HIGH" into its two gates (see gate_range.hpp).
#include "runbook/gate_range.hpp"

#include <cctype>

namespace rollout::runbook {

namespace {

bool space(char c) {
  return c == ' ' || c == '\t';
}

// Appends text[from, to) to the half, remembering where each character came from.
void take(GateHalf& h, std::string_view text, std::size_t from, std::size_t to) {
  for (std::size_t k = from; k < to; ++k) {
    h.text += text[k];
    h.origin.push_back(k);
  }
}
void add(GateHalf& h, std::string_view s, std::size_t origin) {
  for (char c : s) {
    h.text += c;
    h.origin.push_back(origin);
  }
}

RangeSplit refuse(std::string message, std::size_t offset) {
  return RangeSplit{std::nullopt, std::nullopt, std::move(message), offset};
}

}  // namespace

std::optional<RangeSplit> split_range(std::string_view text) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n && space(text[i])) ++i;
  if (i == n || !(std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
                  text[i] == '+' || text[i] == '-'))
    return std::nullopt;
  const std::size_t low_at = i;
  while (i < n && text[i] != '<' && text[i] != '>' && text[i] != '=' && text[i] != '!') ++i;
  std::size_t low_end = i;
  while (low_end > low_at && space(text[low_end - 1])) --low_end;
  const std::size_t op1_at = i;
  if (i == n)
    return refuse("a gate starts with its check; a range reads \"LOW <= CHECK <= HIGH\"", low_at);
  if (text[i] != '<')
    return refuse("a range reads \"LOW <= CHECK <= HIGH\": the lower bound first, with < or <=",
                  op1_at);
  const bool low_inclusive = i + 1 < n && text[i + 1] == '=';
  i += low_inclusive ? 2 : 1;
  while (i < n && space(text[i])) ++i;
  const std::size_t check_at = i;
  while (i < n && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' ||
                   text[i] == '-' || text[i] == '.'))
    ++i;
  const std::size_t check_end = i;
  if (check_end == check_at)
    return refuse("expected a check name after the range's lower bound", check_at);
  while (i < n && space(text[i])) ++i;
  if (i == n || text[i] != '<')
    return refuse("a range reads \"LOW <= CHECK <= HIGH\": expected < or <= after '" +
                      std::string(text.substr(check_at, check_end - check_at)) + "'",
                  i);

  RangeSplit r;
  GateHalf upper;
  take(upper, text, check_at, n);
  GateHalf lower;
  take(lower, text, check_at, check_end);
  add(lower, low_inclusive ? " >= " : " > ", op1_at);
  take(lower, text, low_at, low_end);
  // A "for DURATION" after the upper bound holds for both halves.
  const std::size_t for_at = text.rfind(" for ");
  if (for_at != std::string_view::npos && for_at > check_end) take(lower, text, for_at, n);
  r.lower = std::move(lower);
  r.upper = std::move(upper);
  return r;
}

}  // namespace rollout::runbook
