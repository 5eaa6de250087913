// A gate value out of a JSON document: the http-json, file and exec sources' rule.
#pragma once

#include <string>

#include "ports/metric_source.hpp"

namespace rollout::providers {

// `pointer` is an RFC 6901 JSON pointer ("/canary/error_rate"; "" is the whole document).
// A number -> value; no value there or null -> empty; anything else -> error; a document
// that is not JSON or a malformed pointer -> error.
Reading reading_from_json(const std::string& document, const std::string& pointer);

}  // namespace rollout::providers
