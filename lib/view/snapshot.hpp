// The picture of where a rollout stands, built from its events: the live view redraws it,
// `rollout status` prints it once from the journal, `status --output json` serialises it.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "events/event.hpp"

namespace rollout {

struct SnapshotOptions {
  int width = 80;
  bool color = false;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  // `status` found no process running a rollout that has not ended (its runner was killed,
  // or its machine went down): its clock stands still, and only resume or abort go on.
  bool no_runner = false;
};

class Snapshot : public EventSink {
 public:
  Snapshot();
  ~Snapshot() override;
  void on_event(const Event& event) override;
  // Several lines: rollout and stage, traffic bar, hold progress and ETA, gates with their
  // latest values against thresholds and trend, the last few events, what the operator can do.
  std::string render(const SnapshotOptions& options) const;
  nlohmann::json to_json() const;

 private:
  struct Data;
  std::unique_ptr<Data> d_;
};

}  // namespace rollout
