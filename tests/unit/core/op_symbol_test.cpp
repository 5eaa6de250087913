// Tests for core/op_symbol: an event's op, by name or by symbol, spelled as a symbol.
#include <doctest/doctest.h>

#include "core/op_symbol.hpp"

using rollout::op_symbol;

TEST_CASE("op names become symbols; symbols and anything else pass through") {
  CHECK(op_symbol("lt") == "<");
  CHECK(op_symbol("le") == "<=");
  CHECK(op_symbol("gt") == ">");
  CHECK(op_symbol("ge") == ">=");
  CHECK(op_symbol("<=") == "<=");
  CHECK(op_symbol("") == "");
  CHECK(op_symbol("approx") == "approx");
}
