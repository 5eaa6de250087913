// UTC time formatting (utc_time.hpp).
#include "core/utc_time.hpp"

#include <ctime>

#include <fmt/format.h>

namespace rollout {

namespace {

// The calendar fields of `t` and its milliseconds within the second (floored, so a time
// before the epoch keeps a fraction in [0, 999]).
std::tm utc_fields(std::chrono::system_clock::time_point t, long& frac) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  if (ms < 0 && ms % 1000) --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  frac = static_cast<long>(((ms % 1000) + 1000) % 1000);
  return tm;
}

}  // namespace

std::string utc_iso8601(std::chrono::system_clock::time_point t, bool millis) {
  long frac = 0;
  const std::tm tm = utc_fields(t, frac);
  if (millis)
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string utc_stamp(std::chrono::system_clock::time_point t) {
  long frac = 0;
  const std::tm tm = utc_fields(t, frac);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace rollout
