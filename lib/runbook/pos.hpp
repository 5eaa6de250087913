// A position in the runbook file, for diagnostics and plans.
#pragma once

namespace rollout::runbook {

// 1-based position in the runbook file; 0 means unknown (built in code).
struct Pos {
  int line = 0;
  int col = 0;
};

}  // namespace rollout::runbook
