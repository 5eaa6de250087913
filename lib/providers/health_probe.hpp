// The real HealthProbe: one round polls every URL at once on a libcurl multi handle,
// kept between rounds so connections to the same host are reused.
#pragma once

#include <curl/curl.h>

#include <mutex>

#include "ports/health_probe.hpp"

namespace rollout::providers {

class CurlHealthProbe final : public HealthProbe {
 public:
  CurlHealthProbe();
  ~CurlHealthProbe() override;
  CurlHealthProbe(const CurlHealthProbe&) = delete;
  CurlHealthProbe& operator=(const CurlHealthProbe&) = delete;
  std::vector<ProbeResult> probe(const std::vector<std::string>& urls,
                                 const runbook::Health& spec) override;

 private:
  std::mutex mu_;
  CURLM* multi_ = nullptr;
};

}  // namespace rollout::providers
