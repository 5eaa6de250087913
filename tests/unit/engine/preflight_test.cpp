// Tests for engine/preflight's router check: a write-only router (can_read() false) that
// cannot read the split is nothing to compare; any other router that cannot read fails,
// whatever its message says.
#include <doctest/doctest.h>

#include "engine/preflight.hpp"

using namespace rollout;

namespace {

class UnreadableRouter final : public Router {
 public:
  explicit UnreadableRouter(bool write_only) : write_only_(write_only) {}
  Result<Split> read() override { return make_error("cannot read the current split: no answer"); }
  Result<void> set(const Split&) override { return {}; }
  std::string describe() const override { return "test router"; }
  bool can_read() const override { return !write_only_; }

 private:
  bool write_only_;
};

class NoProbe final : public HealthProbe {
 public:
  std::vector<ProbeResult> probe(const std::vector<std::string>&, const runbook::Health&) override {
    return {};
  }
};

engine::PreflightResult preflight_with(Router& router) {
  static const runbook::Runbook book;
  static const Expander ex({}, [](const std::string&) { return std::optional<std::string>(); });
  static const std::map<std::string, MetricSource*> sources;
  NoProbe probe;
  return engine::run_preflight({book, ex, router, sources, probe, false, {}});
}

}  // namespace

TEST_CASE("preflight: a write-only router that cannot read yet passes, with its reason") {
  UnreadableRouter router(true);
  const auto r = preflight_with(router);
  CHECK(r.ok);
  REQUIRE(r.checks.size() == 1);
  CHECK(r.checks[0].what == "router (test router)");
  CHECK(r.checks[0].detail == "cannot read the current split: no answer");
  CHECK_FALSE(r.split);
}

TEST_CASE("preflight: a router that can read but fails to is a failure, whatever it says") {
  UnreadableRouter router(false);  // the same words as a write-only router's
  const auto r = preflight_with(router);
  CHECK_FALSE(r.ok);
  REQUIRE(r.checks.size() == 1);
  CHECK_FALSE(r.checks[0].ok);
}
