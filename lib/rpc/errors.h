// JSON-RPC 2.0 error codes and the Outcome of one method call. Not thread-safe: one owner.
#pragma once

#include <string>
#include <utility>

#include <rapidjson/document.h>

namespace shopmcp::rpc {

inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Codes the MCP specification defines in the server-error range.
inline constexpr int kSessionNotFound = -32001;     // unknown, expired or deleted session
inline constexpr int kResourceNotFound = -32002;    // resources/read of an unknown URI
inline constexpr int kHeaderMismatch = -32020;      // 2026-07-28: headers disagree with the body
inline constexpr int kUnsupportedVersion = -32022;  // 2026-07-28: protocol version not offered

// What a method handler returns: a result document, or an error code and a client-facing message
// (never internal details; those go to the log).
class Outcome {
 public:
  static Outcome success(rapidjson::Document result) {
    Outcome o;
    o.result_ = std::move(result);
    return o;
  }
  static Outcome failure(int code, std::string message) {
    Outcome o;
    o.code_ = code;
    o.message_ = std::move(message);
    return o;
  }
  bool ok() const { return code_ == 0; }
  int code() const { return code_; }
  const std::string& message() const { return message_; }
  rapidjson::Document& result() { return result_; }

 private:
  Outcome() = default;
  rapidjson::Document result_;
  int code_ = 0;
  std::string message_;
};

inline Outcome invalid_params(std::string message) {
  return Outcome::failure(kInvalidParams, std::move(message));
}

}  // namespace shopmcp::rpc
