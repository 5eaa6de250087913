// Choosing and wiring the world a rollout runs against (see world.hpp).
#include "session/world.hpp"

#include <chrono>

#include "os/real_clock.hpp"
#include "rehearsal/virtual_clock.hpp"

namespace rollout::session {

Result<World> World::make(const runbook::Runbook& book, const Expander& expander, bool rehearsal,
                          rehearsal::Scenario scenario) {
  World w;
  if (rehearsal) {
    auto clock = std::make_unique<rehearsal::VirtualClock>(std::chrono::system_clock::now());
    w.scripted_ = std::make_unique<rehearsal::ScriptedWorld>(book, std::move(scenario), *clock,
                                                             [&expander](const std::string& q) {
                                                               auto r = expander.expand(q);
                                                               return r ? *r : q;
                                                             });
    w.clock_ = std::move(clock);
    return w;
  }
  auto real = make_world(book, expander);
  if (!real) return make_error(real.error().message, ErrorKind::usage);
  w.real_ = std::move(*real);
  w.clock_ = std::make_unique<os::RealClock>();
  return w;
}

engine::Ports World::ports(ControlChannel& control, StateStore& store) {
  if (scripted_)
    return {*clock_,
            control,
            scripted_->router(),
            scripted_->sources(),
            scripted_->health(),
            scripted_->process(),
            scripted_->http(),
            store};
  std::map<std::string, MetricSource*> sources;
  for (auto& [name, s] : real_->sources) sources[name] = s.get();
  return {*clock_,        control,         *real_->router, std::move(sources),
          *real_->health, *real_->process, *real_->http,   store};
}

std::unique_ptr<EventSink> World::notifier(const runbook::Runbook& book, const Expander& expander) {
  if (!real_ || book.notify.empty()) return nullptr;
  return make_notifier(book, expander, *real_->http);
}

}  // namespace rollout::session
