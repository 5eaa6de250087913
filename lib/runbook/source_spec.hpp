// [metrics.NAME] as a variant of kinds. Each kind's own file (source_url.cpp for prometheus
// and http-json, source_file.cpp, source_exec.cpp) owns its keys, its parsing, its plan
// output and what its queries are; providers/ builds the source from it. A new kind is a
// struct here (its keys, its declarations below, its place in SourceSpec), its runbook file,
// and its provider (see the README's layout section).
#pragma once

#include "runbook/kind_fwd.hpp"

namespace rollout::runbook {

// What every source kind has.
struct SourceCommon {
  std::string name;  // the NAME of [metrics.NAME]
  Duration timeout = 5s;
  Pos pos;
};

// The keys of the sources that GET a URL.
struct UrlSource : SourceCommon {
  inline static const std::vector<std::string> kKeys = {"url", "headers", "insecure"};
  std::string url;
  std::map<std::string, std::string> headers;
  bool insecure = false;
};

// Prometheus instant queries; a check's query is PromQL.
struct PrometheusSourceSpec : UrlSource {
  static constexpr const char* kType = "prometheus";
  static constexpr bool kPointerQuery = false;
};

// A JSON document from a URL; a check's query is a JSON pointer.
struct HttpJsonSourceSpec : UrlSource {
  static constexpr const char* kType = "http-json";
  static constexpr bool kPointerQuery = true;
};

// A JSON file, read at every query.
struct FileSourceSpec : SourceCommon {
  static constexpr const char* kType = "file";
  static constexpr bool kPointerQuery = true;
  inline static const std::vector<std::string> kKeys = {"path"};
  std::string path;
};

// A command printing a JSON document (ROLLOUT_QUERY in its environment).
struct ExecSourceSpec : SourceCommon {
  static constexpr const char* kType = "exec";
  static constexpr bool kPointerQuery = true;
  inline static const std::vector<std::string> kKeys = {"command"};
  std::vector<std::string> command;
};

// The order is the order messages list the types in.
using SourceSpec =
    std::variant<PrometheusSourceSpec, HttpJsonSourceSpec, FileSourceSpec, ExecSourceSpec>;

const SourceCommon& common(const SourceSpec& s);
SourceCommon& common(SourceSpec& s);
const char* type_name(const SourceSpec& s);  // "prometheus", "http-json", "file", "exec"
bool pointer_query(const SourceSpec& s);     // a check's query is a JSON pointer

// Each kind, in its own file (as for routers, runbook/router_spec.hpp):
//   parse(t, spec)      its own keys
//   incomplete(spec)    what it cannot work without, for a spec built in code ("a url")
//   plan_fields(spec)   its keys in `plan --json`'s "metrics" object
//   plan_line(spec)     what follows "Source:  NAME = " in `plan`
void parse(KindTable& t, UrlSource& spec);  // prometheus and http-json alike
void parse(KindTable& t, FileSourceSpec& spec);
void parse(KindTable& t, ExecSourceSpec& spec);
std::optional<std::string> incomplete(const UrlSource& spec);
std::optional<std::string> incomplete(const FileSourceSpec& spec);
std::optional<std::string> incomplete(const ExecSourceSpec& spec);
void plan_fields(const UrlSource& spec, const Expander& ex, nlohmann::json& out);
void plan_fields(const FileSourceSpec& spec, const Expander& ex, nlohmann::json& out);
void plan_fields(const ExecSourceSpec& spec, const Expander& ex, nlohmann::json& out);
std::string plan_line(const UrlSource& spec, const char* type, const Expander& ex);
std::string plan_line(const FileSourceSpec& spec, const char* type, const Expander& ex);
std::string plan_line(const ExecSourceSpec& spec, const char* type, const Expander& ex);

// The same, over the variant: "[metrics.prom] prometheus needs a url" and so on.
std::optional<std::string> incomplete(const SourceSpec& s);
nlohmann::json plan_json(const SourceSpec& s, const Expander& ex);
std::string plan_line(const SourceSpec& s, const Expander& ex);

}  // namespace rollout::runbook
