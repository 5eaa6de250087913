// The plain event lines (no TTY, a log): a gate measurement without a value reads
// "NaN"/"+Inf"/"no data", never the C library's "nan"/"inf".
#include "view/plain_printer.hpp"

#include <doctest/doctest.h>

#include "report/sample_journals.hpp"

using namespace rollout;
using namespace rollout::testing;

TEST_CASE("a NaN gate measurement prints as NaN in the plain lines") {
  ConsoleOptions o;
  view::PlainPrinter printer(o, stdout);
  JournalBuilder j;
  j.start().stage(0, "canary", 1, 1000, 600000);
  for (const auto& [journaled, expected] : std::vector<std::pair<std::string, std::string>>{
           {"nan", "NaN"}, {"inf", "+Inf"}, {"no data", "no data"}}) {
    j.add(EventType::gate_measured, 61000, "canary",
          "error_rate: " + journaled + " < 1% -> inconclusive",
          {{"gate", "error_rate < 1%"},
           {"check", "error_rate"},
           {"value", nullptr},
           {"outcome", "inconclusive"}});
    const std::string line = printer.line(j.events().back());
    INFO(line);
    CHECK(line.find("[canary] error_rate: " + expected + " < 1% -> inconclusive") !=
          std::string::npos);
  }
  // Other events keep the engine's words.
  CHECK(printer.line(j.events()[1]).find("stage canary started") != std::string::npos);
}
