// mcp::CallScope: the ToolContext of one client's tools/call. It sends through the call's rpc::Peer
// what the client asked for (progress with a token, log messages at its level, requests it
// declared the capability for), and nothing else. Not thread-safe: the call's thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "json/json.h"
#include "mcp/client_state.h"
#include "mcp/context.h"
#include "rpc/dispatcher.h"

namespace shopmcp::mcp {

class CallScope final : public ToolContext {
 public:
  CallScope(rpc::CallContext& ctx, const rapidjson::Value* progress_token,
            std::optional<LogLevel> level, DeclaredCapabilities declared)
      : peer_(ctx.peer), level_(level), declared_(declared) {
    if (progress_token != nullptr) token_.CopyFrom(*progress_token, token_.GetAllocator());
  }

  void progress(double progress, std::optional<double> total, std::string_view message) override {
    if (peer_ == nullptr || token_.IsNull()) return;
    rapidjson::Document p(rapidjson::kObjectType);
    auto& a = p.GetAllocator();
    p.AddMember("progressToken", rapidjson::Value(token_, a), a);
    p.AddMember("progress", progress, a);
    if (total) p.AddMember("total", *total, a);
    if (!message.empty()) p.AddMember("message", json::str(message, a), a);
    peer_->notify("notifications/progress", std::move(p));
  }

  void log(LogLevel level, std::string_view logger, const rapidjson::Value& data) override {
    if (peer_ == nullptr || !level_ || level < *level_) return;
    rapidjson::Document p(rapidjson::kObjectType);
    auto& a = p.GetAllocator();
    p.AddMember("level", rapidjson::StringRef(to_string(level)), a);
    if (!logger.empty()) p.AddMember("logger", json::str(logger, a), a);
    p.AddMember("data", rapidjson::Value(data, a), a);
    peer_->notify("notifications/message", std::move(p));
  }

  bool cancelled() const override { return peer_ != nullptr && peer_->cancelled(); }
  void close_stream() override {
    if (peer_ != nullptr) peer_->close_stream();
  }

  core::Result<rapidjson::Document> ask_client(std::string_view method, rapidjson::Document params,
                                               std::chrono::milliseconds timeout) override {
    const char* capability = nullptr;
    bool declared = true;
    if (method == "sampling/createMessage") {
      capability = "sampling";
      declared = declared_.sampling;
    } else if (method == "elicitation/create") {
      capability = "elicitation";
      declared = declared_.elicitation;
    } else if (method == "roots/list") {
      capability = "roots";
      declared = declared_.roots;
    }
    if (!declared) {
      return core::invalid_argument(std::string("the client did not declare the '") + capability +
                                    "' capability, so " + std::string(method) +
                                    " cannot be sent to it");
    }
    if (peer_ == nullptr) {
      return core::unavailable(std::string(method) +
                               " needs a connection that can carry requests to the client");
    }
    return peer_->request(method, std::move(params), timeout);
  }

 private:
  rpc::Peer* peer_;
  rapidjson::Document token_;  // null when the caller gave no progress token
  std::optional<LogLevel> level_;
  DeclaredCapabilities declared_;
};

}  // namespace shopmcp::mcp
