// Tests for core/json_get: a field of untrusted JSON read as a string, or the fallback.
#include <doctest/doctest.h>

#include "core/json_get.hpp"

using rollout::json_string;

TEST_CASE("a string field is read; a missing or mistyped one gives the fallback") {
  const nlohmann::json j = {{"stage", "canary"}, {"weight", 10}, {"none", nullptr}};
  CHECK(json_string(j, "stage") == "canary");
  CHECK(json_string(j, "weight") == "");
  CHECK(json_string(j, "none", "running") == "running");
  CHECK(json_string(j, "missing", "running") == "running");
}

TEST_CASE("data that is not an object gives the fallback") {
  CHECK(json_string(nlohmann::json(nullptr), "stage") == "");
  CHECK(json_string(nlohmann::json::array({1, 2}), "stage", "x") == "x");
  CHECK(json_string(nlohmann::json("text"), "stage") == "");
}
