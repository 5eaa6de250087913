// The first line of a report: what happened and why, readable in ten seconds.
#pragma once

#include <string>

#include "events/fold.hpp"

namespace rollout::report {

std::string headline(const events::Fold& fold);

// How long the rollout took on the engine's clock (across resumes): until its latest run's
// `finished`, else until the journal's last event.
std::int64_t duration_ms(const events::Fold& fold);

}  // namespace rollout::report
