// [analysis]: gates measured in the background across stages (Flagger's analysis, Argo's
// background analysis), read after the stages so `from` and `until` name real ones.
#include <fmt/format.h>

#include "core/suggest.hpp"
#include "runbook/parse.hpp"

namespace rollout::runbook {

namespace {

// A stage key that has no meaning for a run that spans stages, with why.
struct NotHere {
  const char* key;
  const char* why;
};
const NotHere kStageOnlyRules[] = {
    {"min_measurements", "it counts the passes a stage needs to promote; give it to the stage"},
    {"consecutive_successes", "it ends a stage's hold early; give it to the stage"},
};

std::vector<std::string> analysis_keys() {
  std::vector<std::string> keys = {"gates", "from", "until"};
  for (const auto& k : rule_keys()) {
    bool stage_only = false;
    for (const auto& n : kStageOnlyRules) stage_only = stage_only || k == n.key;
    if (!stage_only) keys.push_back(k);
  }
  return keys;
}

// The index of the stage named by `key`, or `fallback` when the key is absent or wrong.
int stage_index(const toml::table& t, const char* key, const Runbook& book, Reader& r, int fallback,
                std::string& name) {
  const auto v = r.string(t, key);
  if (!v) return fallback;
  for (std::size_t i = 0; i < book.stages.size(); ++i)
    if (book.stages[i].name == *v) {
      name = *v;
      return static_cast<int>(i);
    }
  std::vector<std::string> names;
  for (const auto& s : book.stages) names.push_back(s.name);
  r.error(Reader::pos(*t.get(key)), fmt::format("[analysis] {} = \"{}\": no stage has that name{}",
                                                key, *v, did_you_mean(*v, names)));
  return fallback;
}

}  // namespace

void parse_analysis(const toml::table& doc, Runbook& book, Reader& r) {
  const toml::node* n = doc.get("analysis");
  if (!n) return;
  const toml::table* t = n->as_table();
  if (!t) {
    r.error(Reader::pos(*n), "'analysis' must be a table: [analysis] with gates = [...]");
    return;
  }
  Analysis a;
  a.pos = Reader::pos(*t);
  for (const auto& k : kStageOnlyRules)
    if (const toml::node* v = t->get(k.key))
      r.error(Reader::pos(*v), fmt::format("'{}' does not apply to [analysis]: {}", k.key, k.why));
  std::vector<std::string> keys = analysis_keys();
  for (const auto& k : kStageOnlyRules) keys.push_back(k.key);  // told above, not again
  r.known_keys(*t, keys, "[analysis]");
  parse_rules(*t, a.rules, r);

  // Default span: from the first stage that sends the new version traffic to the end.
  const int last = static_cast<int>(book.stages.size()) - 1;
  int first = 0;
  while (first < last && book.stages[first].weight == 0) ++first;
  a.from_index = stage_index(*t, "from", book, r, first, a.from);
  a.until_index = stage_index(*t, "until", book, r, last, a.until);
  if (book.stages.empty())
    a.from_index = a.until_index = 0;
  else {
    if (a.from.empty()) a.from = book.stages[a.from_index].name;
    if (a.until.empty()) a.until = book.stages[a.until_index].name;
  }
  if (a.from_index > a.until_index && t->get("until"))
    r.error(Reader::pos(*t->get("until")),
            fmt::format("[analysis] until = \"{}\" comes before from = \"{}\": stages run in the "
                        "order they are written",
                        a.until, a.from));

  if (const toml::array* gates = r.array(*t, "gates")) {
    for (const toml::node& g : *gates)
      for (auto& gate : parse_gate_node(g, book, r, &a.rules)) a.gates.push_back(std::move(gate));
    if (gates->empty()) r.error(Reader::pos(*t->get("gates")), "[analysis] gates is empty");
  } else if (!t->get("gates")) {
    r.error(a.pos, "[analysis] needs gates = [\"CHECK OP VALUE\", ...]: what it measures");
  }
  book.analysis = std::move(a);
}

}  // namespace rollout::runbook
