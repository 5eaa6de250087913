// A manual stage's approve_url (Flagger's confirm-promotion webhook): the URL rollout polls
// while the stage waits for approval, and its headers. Read after advance, approval_timeout
// and on_timeout, so that what they say about each other is checked here.
#include "runbook/parse.hpp"

namespace rollout::runbook {

void parse_approve_url(const toml::table& t, Stage& s, Reader& r) {
  if (auto u = r.string(t, "approve_url")) {
    const Pos at = Reader::pos(*t.get("approve_url"));
    if (u->rfind("http://", 0) != 0 && u->rfind("https://", 0) != 0 && u->rfind("${", 0) != 0)
      r.error(at, "\"" + *u + "\" is not an http:// or https:// URL");
    else if (s.advance != AdvanceMode::manual)
      r.warning(at, "'approve_url' has no effect unless advance = \"manual\"");
    else if (!s.approval_timeout)
      // Without a person at a terminal (CI), the URL is the only way on: unbounded.
      r.warning(at,
                "'approve_url' without 'approval_timeout' may wait without limit for the URL "
                "to answer 200: set approval_timeout (and on_timeout)");
    s.approve_url = *u;
  }
  if (auto h = r.string_map(t, "approve_headers")) {
    s.approve_headers = *h;
    if (s.approve_url.empty())
      r.warning(Reader::pos(*t.get("approve_headers")),
                "'approve_headers' has no effect without 'approve_url'");
  }
}

}  // namespace rollout::runbook
