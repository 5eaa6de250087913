// "Did you mean …?" for misspelled keys, names, enum values and subcommands.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollout {

// Edit distance (insertions, deletions, substitutions, adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b);

// Longer words get no suggestion: nobody misspells a 65-character key, and the edit
// distance costs time and memory in the product of the lengths.
inline constexpr std::size_t kMaxSuggestWord = 64;

// The closest candidate, if it is close enough to be what was meant.
std::optional<std::string> suggest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace rollout
