// Tests for core/printable: raw bytes from the outside become visible escapes.
#include <doctest/doctest.h>

#include "core/printable.hpp"
#include "core/redact.hpp"

using namespace rollout;

TEST_CASE("control characters and invalid UTF-8 are escaped; valid text is kept") {
  const char bytes[] =
      "a\x00"
      "b\xff"
      "c\x1b[31m\r\x7f\xc3\xa9\xe2\x82\xac\xc2\x9b\n\tz";
  const std::string raw(bytes, sizeof bytes - 1);
  CHECK(printable(raw) == "a\\x00b\\xffc\\x1b[31m\\r\\x7fé€\\u009b\n\tz");
  CHECK(printable(raw, false) == "a\\x00b\\xffc\\x1b[31m\\r\\x7fé€\\u009b\\n\\tz");
  // Truncated and overlong sequences, surrogates.
  CHECK(printable("\xe2\x82") == "\\xe2\\x82");
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");
  CHECK(printable(printable(raw)) == printable(raw));  // escaping twice changes nothing
}

TEST_CASE("excerpt: redacted before the cut, one line, printable, cut on a character") {
  secrets().add("Wx3Yz5Ab7Cd9");
  const std::string text = std::string(18, 'a') + "Wx3Yz5Ab7Cd9 rest";
  CHECK(excerpt(text, 20) == std::string(18, 'a') + "**...");
  CHECK(excerpt(std::string("l1\nl2\x00", 6), 50) == "l1 l2\\x00");
  CHECK(excerpt("ab\xc3\xa9", 3) == "ab...");  // never half a character
  CHECK(excerpt("short", 10) == "short");
}
