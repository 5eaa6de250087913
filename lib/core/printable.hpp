// External text (command output, HTTP bodies, HAProxy socket replies, metric details) made
// safe to show in a terminal and to store in the journal: raw bytes never reach either.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rollout {

// Control characters and bytes that are not UTF-8 become visible escapes: "\x00", "\x1b",
// "\xff", "\r", "\u009b" (C1 controls). Newlines and tabs are kept when `multiline`
// (command output), escaped as "\n" and "\t" otherwise. Text that is valid UTF-8 with no
// control characters comes out unchanged (so escaping twice changes nothing more).
std::string printable(std::string_view text, bool multiline = true);

// The start of `text` for a one-line message: secrets redacted first (a secret straddling
// the cut cannot leak its first characters), line breaks as spaces, made printable, cut to
// at most `max` bytes on a character boundary with "..." when something was left out.
std::string excerpt(std::string_view text, std::size_t max);

}  // namespace rollout
