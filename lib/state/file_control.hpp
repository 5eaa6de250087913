// Operator requests for a running rollout: files in STATE_DIR/NAME/control/ written by
// `rollout advance|abort` in another shell (which then sends SIGUSR1 to the lock holder),
// SIGINT/SIGTERM/SIGHUP, and, in an interactive run, "advance" or "abort" typed on the
// terminal. A file request belongs to one run (the run id in the lock record): one meant
// for another run (a finished or crashed one) is discarded, said in one line on stderr, and
// left as NAME.discarded so the shell that wrote it can tell.
#pragma once

#include <string>

#include "core/result.hpp"
#include "ports/control.hpp"

namespace rollout::state {

class FileControlChannel : public ControlChannel {
 public:
  // `run`: this run's id; requests naming another are discarded, from construction on (so
  // a `start` drops what a finished rollout left). Empty: every request is taken.
  FileControlChannel(std::string control_dir, bool watch_stdin, std::string run = "");
  std::optional<ControlRequest> poll() override;
  // Requests discarded so far (for another run, unreadable, or not this user's).
  int discarded() const { return discarded_; }

 private:
  std::optional<ControlRequest> from_files(bool take);
  std::optional<ControlRequest> from_stdin();
  void discard(const std::string& claim, const std::string& path, const std::string& why);
  std::string dir_;
  bool stdin_;
  std::string run_;
  std::string partial_;
  int discarded_ = 0;
};

// Records a request for the runner (atomically: a runner never reads half a file), naming
// the run it is for (the run id in the holder's lock record).
Result<std::string> write_request(const std::string& control_dir, const ControlRequest& request,
                                  const std::string& run = "");

// The name a discarded request is left under.
std::string discarded_path(const std::string& request_path);

// "user@host" of this process.
std::string whoami();

}  // namespace rollout::state
