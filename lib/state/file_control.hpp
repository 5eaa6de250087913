// Operator requests for a running rollout: files in STATE_DIR/NAME/control/ written by
// `rollout advance|abort` in another shell (which then sends SIGUSR1 to the lock holder),
// SIGINT/SIGTERM, and, in an interactive run, "advance" or "abort" typed on the terminal.
#pragma once

#include <string>

#include "core/result.hpp"
#include "ports/control.hpp"

namespace rollout::state {

class FileControlChannel : public ControlChannel {
 public:
  FileControlChannel(std::string control_dir, bool watch_stdin);
  std::optional<ControlRequest> poll() override;

 private:
  std::optional<ControlRequest> from_stdin();
  std::string dir_;
  bool stdin_;
  std::string partial_;
};

// Records a request for the runner (atomically: a runner never reads half a file).
Result<std::string> write_request(const std::string& control_dir, const ControlRequest& request);

// "user@host" of this process.
std::string whoami();

}  // namespace rollout::state
