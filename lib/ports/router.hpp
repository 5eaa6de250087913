// Traffic split between the stable and the canary version.
#pragma once

#include <string>

#include "core/result.hpp"

namespace rollout {

struct Split {
  int stable = 100;  // percent
  int canary = 0;    // percent; stable + canary == 100
  friend bool operator==(const Split&, const Split&) = default;
};

class Router {
 public:
  virtual ~Router() = default;
  // The split in force now (preflight, status, resume). For several load-balancer
  // instances that disagree, an error saying so.
  virtual Result<Split> read() = 0;
  // Applies the split everywhere and verifies it; all instances or an error that says
  // which ones failed (after trying to put the others back).
  virtual Result<void> set(const Split& split) = 0;
  // One line for plans and messages, e.g. "haproxy backend analyzer on 2 sockets".
  virtual std::string describe() const = 0;
  // Whether read() can tell the split in force before this process has set one. A
  // write-only router (a command, a webhook) cannot: its read() errors until the first set,
  // and the preflight takes that as nothing to compare, not as a failure.
  virtual bool can_read() const { return true; }
};

}  // namespace rollout
