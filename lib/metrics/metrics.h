// Metrics: counters, gauges and histograms with labels, rendered in Prometheus text format.
// Thread-safe: updates are atomic; families take their own mutex only to find or add a series.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/mutex.h"

namespace shopmcp::metrics {

class Counter {
 public:
  void inc(std::int64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> v_{0};
};

class Gauge {
 public:
  void add(std::int64_t n) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> v_{0};
};

// Latency histogram in seconds with fixed buckets (5 ms .. 10 s).
class Histogram {
 public:
  static constexpr std::array<double, 10> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,  1,     2.5,  10};
  void observe(double seconds);
  // Cumulative count per bound, then +Inf.
  std::array<std::int64_t, kBounds.size() + 1> cumulative() const;
  // The sum of the observations in seconds (as rendered in _sum); kept as whole microseconds, so
  // each observation counts truncated to the microsecond.
  double sum() const { return static_cast<double>(sum_us_.load()) / 1e6; }
  std::int64_t count() const { return count_.load(); }

 private:
  std::array<std::atomic<std::int64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::int64_t> sum_us_{0};  // microseconds: an integer, for an atomic add
  std::atomic<std::int64_t> count_{0};
};

// A metric with label values, e.g. requests_total{route="/mcp",status="200"}.
template <typename T>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(label_names)) {}

  // The series for these label values (created at first use; lives as long as the family).
  T& with(const std::vector<std::string>& values) {
    core::MutexLock l(&mu_);
    auto& slot = series_[values];
    if (!slot) slot = std::make_unique<T>();
    return *slot;
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return labels_; }

  // A copy of (label values, series pointer) pairs; series are never removed, so the pointers stay
  // valid.
  std::vector<std::pair<std::vector<std::string>, const T*>> snapshot() const {
    core::MutexLock l(&mu_);
    std::vector<std::pair<std::vector<std::string>, const T*>> out;
    for (const auto& [k, v] : series_) out.emplace_back(k, v.get());
    return out;
  }

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> labels_;
  mutable core::Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> series_ GUARDED_BY(mu_);
};

// Every metric of the process, named as Prometheus sees them.
struct Registry {
  Gauge streams_open;
  Family<Gauge> streams_open_by_route{
      "shopmcp_streams_open_by_route", "SSE streams open now, by route", {"route"}};
  Counter streams_opened;
  Family<Counter> streams_closed{
      "shopmcp_streams_closed_total", "SSE streams closed, by reason", {"reason"}};
  Counter streams_rejected;
  Counter pings_sent;
  Counter write_failures;
  Gauge sessions_open;
  Counter sessions_created;
  Family<Counter> sessions_ended{
      "shopmcp_sessions_ended_total", "MCP sessions ended, by reason", {"reason"}};
  Family<Counter> requests{
      "shopmcp_http_requests_total", "HTTP requests by route and status", {"route", "status"}};
  Family<Counter> tool_calls{
      "shopmcp_tool_calls_total", "tool calls by tool and outcome", {"tool", "outcome"}};
  Family<Histogram> tool_seconds{
      "shopmcp_tool_call_seconds", "tool call latency in seconds", {"tool"}};

  // The Prometheus text exposition (version 0.0.4).
  std::string render() const;
};

}  // namespace shopmcp::metrics
