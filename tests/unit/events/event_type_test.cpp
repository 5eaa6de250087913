// The one list of event type names.
#include "events/event_type.hpp"

#include <doctest/doctest.h>

using namespace rollout;

TEST_CASE("every event type has a name that reads back, and only those") {
  REQUIRE(event_type_names().size() == static_cast<std::size_t>(EventType::finished) + 1);
  for (int i = 0; i <= static_cast<int>(EventType::finished); ++i) {
    const auto t = static_cast<EventType>(i);
    CHECK(event_type_names()[static_cast<std::size_t>(i)] == to_string(t));
    CHECK(event_type_from_string(to_string(t)) == t);
  }
  CHECK(to_string(EventType::gate_measured) == "gate_measured");
  CHECK_FALSE(event_type_from_string("weight_sett"));
  CHECK_FALSE(event_type_from_string(""));
}
