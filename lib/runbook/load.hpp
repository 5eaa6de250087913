// Reading a runbook file: parse (toml++) into the typed model, then validate. Every
// problem of a file is reported, as FILE:LINE:COL: severity: message, not just the first.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/template.hpp"
#include "runbook/model.hpp"

namespace rollout::runbook {

struct Diagnostic {
  enum class Severity { error, warning };
  std::string file;
  Pos pos;
  Severity severity = Severity::error;
  std::string message;
  // "FILE:LINE:COL: error: message" (LINE:COL left out when unknown).
  std::string str() const;
};

struct LoadOptions {
  // `start` needs every ${env.X} set (error); `validate` and `plan` only warn.
  bool require_env = false;
  EnvLookup env = process_env();
};

struct Loaded {
  std::optional<Runbook> runbook;  // set when there is no error (warnings allowed)
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return runbook.has_value(); }
};

Loaded load_runbook(const std::string& path, const LoadOptions& options = {});
Loaded parse_runbook(std::string_view toml_text, const std::string& path,
                     const LoadOptions& options = {});

// The expander a rollout of this runbook uses: its [vars], the environment, ${rollout.name}.
Expander make_expander(const Runbook& book, EnvLookup env = process_env());

}  // namespace rollout::runbook
