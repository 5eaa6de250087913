// Walking the sections that say how to measure into the model: [checks.NAME] (a query on a
// metric source, read before them) and [health.NAME] (HTTP probes).
#include <fmt/format.h>

#include "core/suggest.hpp"
#include "runbook/kind_table.hpp"
#include "runbook/parse.hpp"

namespace rollout::runbook {

std::string interval_too_short(Duration d) {
  return "'interval' = \"" + format_duration(d) + "\" is shorter than " +
         format_duration(kShortestInterval) + ", the shortest the engine waits between polls";
}

// --- [checks.NAME] ---------------------------------------------------------------------

void parse_checks(const toml::table& doc, Runbook& book, Reader& r) {
  r.named_tables(
      doc, "checks", "with source and query",
      [&](const std::string& name, const toml::table& table) {
        const toml::table* t = &table;
        Check c;
        c.name = name;
        c.pos = Reader::pos(*t);
        const std::string what = "[checks." + name + "]";
        r.known_keys(*t, {"source", "query", "unit", "no_data", "samples_query", "min_samples"},
                     what);
        const SourceSpec* src = nullptr;
        if (r.require(*t, "source", what)) {
          if (auto s = r.string(*t, "source")) {
            c.source = *s;
            auto it = book.metrics.find(*s);
            if (it == book.metrics.end()) {
              r.error(Reader::pos(*t->get("source")),
                      "unknown metric source '" + *s + "'" +
                          did_you_mean(*s, keys_of(book.metrics)) +
                          (book.metrics.empty() ? ": define it as [metrics." + *s + "]" : ""));
            } else {
              src = &it->second;
            }
          }
        }
        if (r.require(*t, "query", what)) {
          if (auto q = r.string(*t, "query")) {
            c.query = *q;
            if (src && pointer_query(*src) && !q->empty() && (*q)[0] != '/' &&
                q->rfind("${", 0) != 0)
              r.error(Reader::pos(*t->get("query")),
                      "for a \"" + std::string(type_name(*src)) +
                          "\" source the query is a JSON pointer like \"/canary/error_rate\"");
            if (src && !pointer_query(*src) && q->empty())
              r.error(Reader::pos(*t->get("query")), "'query' is empty: give a PromQL expression");
          }
        }
        if (auto u = r.enumeration<Unit>(*t, "unit",
                                         {{"ratio", Unit::ratio},
                                          {"seconds", Unit::seconds},
                                          {"bytes", Unit::bytes},
                                          {"count", Unit::count}}))
          c.unit = *u;
        if (auto nd = r.enumeration<Outcome>(*t, "no_data",
                                             {{"pass", Outcome::pass},
                                              {"fail", Outcome::fail},
                                              {"inconclusive", Outcome::inconclusive}}))
          c.no_data = *nd;
        if (auto q = r.string(*t, "samples_query")) c.samples_query = *q;
        if (auto m = r.integer(*t, "min_samples", 0, 1'000'000'000))
          c.min_samples = static_cast<int>(*m);
        if (c.min_samples > 0 && c.samples_query.empty())
          r.error(Reader::pos(*t->get("min_samples")),
                  "'min_samples' needs 'samples_query' (the query that counts the samples)");
        book.checks[name] = std::move(c);
      });
}

// --- [health.NAME] ---------------------------------------------------------------------

void parse_health(const toml::table& doc, Runbook& book, Reader& r) {
  r.named_tables(
      doc, "health", "with urls = [...]", [&](const std::string& name, const toml::table& table) {
        const toml::table* t = &table;
        Health h;
        h.name = name;
        h.pos = Reader::pos(*t);
        const std::string what = "[health." + name + "]";
        r.known_keys(*t,
                     {"urls", "expect_status", "expect_body", "interval", "timeout", "successes",
                      "deadline", "insecure"},
                     what);
        if (r.require(*t, "urls", what)) {
          if (auto u = r.strings(*t, "urls")) {
            if (u->empty()) r.error(Reader::pos(*t->get("urls")), "'urls' is empty");
            const auto& arr = *t->get("urls")->as_array();
            for (std::size_t i = 0; i < u->size(); ++i)
              if (!looks_like_url((*u)[i]))
                r.error(Reader::pos(*arr.get(i)),
                        "\"" + (*u)[i] + "\" is not an http:// or https:// URL");
            h.urls = *u;
          }
        }
        if (auto s = r.integer(*t, "expect_status", 100, 599))
          h.expect_status = static_cast<int>(*s);
        if (auto b = r.string(*t, "expect_body")) h.expect_body = *b;
        if (auto d = r.duration(*t, "interval")) h.interval = *d;
        if (auto d = r.duration(*t, "timeout")) h.timeout = *d;
        if (auto s = r.integer(*t, "successes", 1, 1000)) h.successes = static_cast<int>(*s);
        if (auto d = r.duration(*t, "deadline")) h.deadline = *d;
        if (auto i = r.boolean(*t, "insecure")) h.insecure = *i;
        if (h.interval < kShortestInterval && t->contains("interval"))
          r.error(Reader::pos(*t->get("interval")), interval_too_short(h.interval));
        if ((h.successes - 1) * h.interval > h.deadline)
          r.error(t->contains("deadline") ? Reader::pos(*t->get("deadline")) : h.pos,
                  "deadline " + format_duration(h.deadline) + " is too short for " +
                      std::to_string(h.successes) + " successes " + format_duration(h.interval) +
                      " apart: the check could never pass");
        book.health[name] = std::move(h);
      });
}

}  // namespace rollout::runbook
