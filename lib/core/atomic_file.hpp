// Writing whole: every byte to a descriptor, and replacing a file atomically, so a reader never
// sees half of it and a crash leaves the old one: the state, the control requests, the runbook as
// started and the reports.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace rollout {

// Writes `content` to `path` atomically (temp file PATH.tmp.PID opened with O_NOFOLLOW,
// fsync, rename, fsync of the directory), mode 0600. `sync` = false skips the fsyncs (a
// rehearsal needs no durability).
// Writes all of `data` to `fd`, retrying short writes and EINTR. The Error is strerror's text.
Result<void> write_all(int fd, std::string_view data);

Result<void> write_file_atomic(const std::string& path, const std::string& content,
                               bool sync = true);

}  // namespace rollout
