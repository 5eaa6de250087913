// load_runbook and parse_runbook: TOML syntax (toml++), then the model, then validation;
// diagnostics come back sorted by position, every one of them.
#include "runbook/load.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <toml++/toml.h>

#include "runbook/parse.hpp"
#include "runbook/prescan.hpp"
#include "runbook/reader.hpp"

namespace rollout::runbook {

std::string Diagnostic::str() const {
  std::string out = file;
  if (pos.line > 0) {
    out += ":" + std::to_string(pos.line);
    if (pos.col > 0) out += ":" + std::to_string(pos.col);
  }
  out += severity == Severity::error ? ": error: " : ": warning: ";
  out += message;
  return out;
}

Loaded parse_runbook(std::string_view toml_text, const std::string& path,
                     const LoadOptions& options) {
  Loaded out;
  auto doc = parse_toml(toml_text, path, "runbook", out.diagnostics);
  if (!doc) return out;
  Reader r(path);
  ParseExtras extras;
  Runbook book = parse_document(*doc, r, extras);
  book.path = path;
  validate_document(book, extras, r, options);
  out.diagnostics = std::move(r.diagnostics);
  std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::pair(a.pos.line, a.pos.col) < std::pair(b.pos.line, b.pos.col);
                   });
  // The same problem found twice (e.g. one template used by two readers) is said once.
  out.diagnostics.erase(std::unique(out.diagnostics.begin(), out.diagnostics.end(),
                                    [](const Diagnostic& a, const Diagnostic& b) {
                                      return a.pos.line == b.pos.line && a.pos.col == b.pos.col &&
                                             a.message == b.message && a.severity == b.severity;
                                    }),
                        out.diagnostics.end());
  const bool failed =
      std::any_of(out.diagnostics.begin(), out.diagnostics.end(),
                  [](const auto& d) { return d.severity == Diagnostic::Severity::error; });
  if (!failed) out.runbook = std::move(book);
  return out;
}

Loaded load_runbook(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    Loaded out;
    out.diagnostics.push_back(
        {path, Pos{}, Diagnostic::Severity::error, "cannot read the runbook: it is a directory"});
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Loaded out;
    out.diagnostics.push_back({path, Pos{}, Diagnostic::Severity::error,
                               std::string("cannot read the runbook: ") + std::strerror(errno)});
    return out;
  }
  // One byte past the limit is enough to refuse it: a 40 MB file is never read whole.
  std::string text(kTextLimits.max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_runbook(text, path, options);
}

Expander make_expander(const Runbook& book, EnvLookup env) {
  return Expander(book.vars, std::move(env)).with("rollout.name", book.rollout.name);
}

}  // namespace rollout::runbook
