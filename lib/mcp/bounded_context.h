// mcp::BoundedContext: a ToolContext that also reports cancellation once the call's time limit
// has passed or the process is shutting down, and remembers which of the two stopped it. Used by
// Server::call_tool around every call. Not thread-safe: the call's thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <stop_token>

#include "mcp/context.h"

namespace shopmcp::mcp {

class BoundedContext final : public ToolContext {
 public:
  enum class Stop { kNone, kTimeLimit, kShutdown };

  BoundedContext(ToolContext& inner, std::chrono::steady_clock::time_point deadline,
                 std::stop_token shutdown)
      : inner_(inner), deadline_(deadline), shutdown_(std::move(shutdown)) {}

  void progress(double progress, std::optional<double> total, std::string_view message) override {
    inner_.progress(progress, total, message);
  }
  void log(LogLevel level, std::string_view logger, const rapidjson::Value& data) override {
    inner_.log(level, logger, data);
  }
  bool cancelled() const override {
    if (inner_.cancelled()) return true;
    if (shutdown_.stop_requested()) {
      stop_ = Stop::kShutdown;
    } else if (std::chrono::steady_clock::now() >= deadline_) {
      stop_ = Stop::kTimeLimit;
    }
    return stop_ != Stop::kNone;
  }
  // Waits no longer than the call has left.
  core::Result<rapidjson::Document> ask_client(std::string_view method, rapidjson::Document params,
                                               std::chrono::milliseconds timeout) override {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    return inner_.ask_client(method, std::move(params),
                             std::clamp(left, std::chrono::milliseconds(0), timeout));
  }
  void close_stream() override { inner_.close_stream(); }

  // What made cancelled() true, if anything but the client did.
  Stop stopped_by() const { return stop_; }

 private:
  ToolContext& inner_;
  const std::chrono::steady_clock::time_point deadline_;
  const std::stop_token shutdown_;
  mutable Stop stop_ = Stop::kNone;
};

}  // namespace shopmcp::mcp
