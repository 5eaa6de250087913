// Choosing and wiring the world a rollout runs against (see world.hpp).
#include "session/world.hpp"

#include <chrono>

#include "os/real_clock.hpp"
#include "rehearsal/virtual_clock.hpp"

namespace rollout::session {

Result<World> World::make(const runbook::Runbook& book, const Expander& expander, bool rehearsal,
                          rehearsal::Scenario scenario) {
  World w(book, expander);
  if (rehearsal) {
    auto clock = std::make_unique<rehearsal::VirtualClock>(std::chrono::system_clock::now());
    w.scripted_ = std::make_unique<rehearsal::ScriptedWorld>(book, std::move(scenario), *clock,
                                                             [&expander](const std::string& q) {
                                                               auto r = expander.expand(q);
                                                               return r ? *r : q;
                                                             });
    w.clock_ = std::move(clock);
    rehearsal::ScriptedWorld& fake = *w.scripted_;
    w.router_ = &fake.router();
    w.sources_ = fake.sources();
    w.health_ = &fake.health();
    w.process_ = &fake.process();
    w.http_ = &fake.http();
    return w;
  }
  auto real = make_world(book, expander);
  if (!real) return real.error();
  w.real_ = std::move(*real);
  w.clock_ = std::make_unique<os::RealClock>();
  // The providers live on the heap: these stay valid when the World is moved.
  w.router_ = w.real_->router.get();
  for (auto& [name, s] : w.real_->sources) w.sources_[name] = s.get();
  w.health_ = w.real_->health.get();
  w.process_ = w.real_->process.get();
  w.http_ = w.real_->http.get();
  return w;
}

engine::Ports World::ports(ControlChannel& control, StateStore& store) {
  return {*clock_, control, *router_, sources_, *health_, *process_, *http_, store};
}

engine::PreflightResult World::preflight() {
  return engine::run_preflight({*book_, *expander_, *router_, sources_, *health_, false, {}});
}

std::unique_ptr<EventSink> World::notifier() {
  if (!real_ || book_->notify.empty()) return nullptr;
  return make_notifier(*book_, *expander_, *real_->http);
}

}  // namespace rollout::session
