// Writing the reports next to the journal they come from (report.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "report/report.hpp"

namespace rollout::report {

namespace {

Result<void> append_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(fmt::format("cannot append to {}: {}", path, std::strerror(errno)));
  if (auto w = write_all(fd, text); !w) {
    ::close(fd);
    return make_error(fmt::format("cannot append to {}: {}", path, w.error().message));
  }
  ::close(fd);
  return {};
}

}  // namespace

std::string to_json_text(const nlohmann::json& report) {
  return report.dump(2) + "\n";
}

std::string render(const nlohmann::json& report, Format format) {
  switch (format) {
    case Format::markdown:
      return to_markdown(report);
    case Format::json:
      return to_json_text(report);
    case Format::junit:
      return to_junit(report);
  }
  return to_markdown(report);
}

Result<void> write_reports(const std::string& dir, const std::vector<Event>& events,
                           const WriteOptions& options) {
  nlohmann::json report = build_report(events);
  std::string markdown = to_markdown(report);
  if (auto r = write_file_atomic(dir + "/report.md", markdown); !r) return r;
  if (auto r = write_file_atomic(dir + "/report.json", to_json_text(report)); !r) return r;
  if (auto r = write_file_atomic(dir + "/report.junit.xml", to_junit(report)); !r) return r;
  std::string summary = options.step_summary;
  if (summary.empty() && options.from_env)
    if (const char* env = std::getenv("GITHUB_STEP_SUMMARY"); env && *env) summary = env;
  if (!summary.empty()) return append_file(summary, markdown + "\n");
  return {};
}

}  // namespace rollout::report
