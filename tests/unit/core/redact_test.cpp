// Tests for core/redact: secrets are hidden in text and in JSON, whole and everywhere.
#include <doctest/doctest.h>

#include "core/redact.hpp"

using namespace rollout;

TEST_CASE("every occurrence of a secret is replaced") {
  Secrets s;
  s.add("hunter22");
  CHECK(s.redact(std::string("pw=hunter22&again=hunter22")) == "pw=***&again=***");
  CHECK(s.redact("nothing here") == "nothing here");
}

TEST_CASE("a secret is hidden whatever its length; an empty value is no secret") {
  Secrets s;
  s.add("");
  CHECK(s.empty());
  s.add("ab");
  CHECK_FALSE(s.empty());
  CHECK(s.redact("xabyab") == "x***y***");
  s.add("q");
  CHECK(s.redact("q-ab") == "***-***");
  CHECK(s.longest() == 2);
}

TEST_CASE("a secret containing another is hidden whole") {
  Secrets s;
  s.add("token");
  s.add("my-token-value");
  CHECK(s.redact("x my-token-value y token") == "x *** y ***");
}

TEST_CASE("JSON: every string inside is redacted, other values kept") {
  Secrets s;
  s.add("s3cr3t!!");
  nlohmann::json j = {{"url", "https://h/?k=s3cr3t!!"},
                      {"list", {"a", "s3cr3t!!"}},
                      {"n", 3},
                      {"nested", {{"h", "Bearer s3cr3t!!"}}}};
  auto r = s.redact(j);
  CHECK(r["url"] == "https://h/?k=***");
  CHECK(r["list"][1] == "***");
  CHECK(r["n"] == 3);
  CHECK(r["nested"]["h"] == "Bearer ***");
}

TEST_CASE("the process-wide set is shared") {
  secrets().add("process-wide-secret");
  CHECK(secrets().redact("a process-wide-secret b") == "a *** b");
}
