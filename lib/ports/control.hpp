// Operator requests reaching a running engine: `rollout advance` / `rollout abort`
// from another shell (files in the state directory), a key on the terminal, or a
// signal (SIGINT/SIGTERM). The engine polls this between steps and while it waits.
#pragma once

#include <optional>
#include <string>

namespace rollout {

struct ControlRequest {
  enum class Kind { advance, abort, interrupt };
  Kind kind = Kind::advance;
  std::string by;      // user@host of whoever asked, or the signal name
  std::string reason;  // abort --reason
};

class ControlChannel {
 public:
  virtual ~ControlChannel() = default;
  // Takes the oldest pending request, if any (each request is returned once).
  virtual std::optional<ControlRequest> poll() = 0;
};

}  // namespace rollout
