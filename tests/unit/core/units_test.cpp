// Tests for core/units: gate threshold units and how thresholds print.
#include <doctest/doctest.h>

#include "core/units.hpp"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

using namespace rollout;

TEST_CASE("units scale to base units") {
  CHECK(unit_scale("%")->factor == doctest::Approx(0.01));
  CHECK(unit_scale("%")->dimension == Dimension::ratio);
  CHECK(unit_scale("ms")->factor == doctest::Approx(0.001));
  CHECK(unit_scale("m")->factor == 60);
  CHECK(unit_scale("h")->factor == 3600);
  CHECK(unit_scale("s")->dimension == Dimension::seconds);
  CHECK(unit_scale("KB")->factor == 1000);
  CHECK(unit_scale("KiB")->factor == 1024);
  CHECK(unit_scale("GiB")->factor == doctest::Approx(1073741824.0));
  CHECK(unit_scale("MB")->dimension == Dimension::bytes);
}

TEST_CASE("unknown and wrongly cased units are rejected") {
  CHECK_FALSE(unit_scale("mss"));
  CHECK_FALSE(unit_scale("kb"));
  CHECK_FALSE(unit_scale(""));
  CHECK_FALSE(unit_scale("sec"));
}

TEST_CASE("thresholds print the way people write them") {
  CHECK(format_quantity(0.01, Dimension::ratio) == "1%");
  CHECK(format_quantity(0.005, Dimension::ratio) == "0.5%");
  CHECK(format_quantity(0.001, Dimension::ratio) == "0.1%");
  CHECK(format_quantity(0.2, Dimension::seconds) == "200ms");
  CHECK(format_quantity(90, Dimension::seconds) == "90s");
  CHECK(format_quantity(120, Dimension::seconds) == "2m");
  CHECK(format_quantity(7200, Dimension::seconds) == "2h");
  CHECK(format_quantity(512.0 * 1024 * 1024, Dimension::bytes) == "512MiB");
  CHECK(format_quantity(1500000, Dimension::bytes) == "1.5MB");
  CHECK(format_quantity(12, Dimension::count) == "12");
}

TEST_CASE("suffix lists for messages") {
  CHECK(unit_suffixes_for(Dimension::ratio) == "%");
  CHECK(unit_suffixes_for(Dimension::seconds) == "ms, s, m, h");
  CHECK(unit_suffixes().size() >= 11);
}

TEST_CASE("measured values read as people write them; missing and non-finite say so") {
  using rollout::format_measurement;
  CHECK(format_measurement(0.0123, "ratio") == "1.23%");
  CHECK(format_measurement(0.2, "seconds") == "200ms");
  CHECK(format_measurement(1.5, "seconds") == "1.5s");
  CHECK(format_measurement(1572864.0, "bytes") == "1.5MiB");
  CHECK(format_measurement(nullptr, "ratio") == "no data");
  CHECK(format_measurement(std::nan(""), "ratio") == "NaN");
  CHECK(format_measurement(std::numeric_limits<double>::infinity(), "seconds") == "+Inf");
  CHECK(format_measurement(-std::numeric_limits<double>::infinity(), "count") == "-Inf");
  CHECK(format_measurement(0.05, rollout::Dimension::ratio) == "5%");
}
