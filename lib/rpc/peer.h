// rpc::Peer: the other end of the connection a call arrived on, as far as a running call may talk
// back to it before its result: notifications, requests of its own, and whether it was cancelled.
// Implemented by the transports. Not thread-safe: used by the one call it was made for.
#pragma once

#include <chrono>
#include <string_view>

#include <rapidjson/document.h>

#include "core/result.h"

namespace shopmcp::rpc {

class Peer {
 public:
  virtual ~Peer() = default;
  // Sends a notification related to the call. False when the transport cannot carry it now (no
  // stream the client reads); the call goes on either way.
  virtual bool notify(std::string_view method, rapidjson::Document params) = 0;
  // Sends a request to the client and waits for its response, at most `timeout`. Returns the
  // result, or an error: kUnavailable when it cannot be sent, timed out or the call was
  // cancelled; kInvalidArgument when the client answered with an error (the message says it).
  virtual core::Result<rapidjson::Document> request(std::string_view method,
                                                    rapidjson::Document params,
                                                    std::chrono::milliseconds timeout) = 0;
  // True once the client cancelled the call (notifications/cancelled, or closing the stream where
  // the protocol revision says that cancels).
  virtual bool cancelled() const = 0;
  // Closes the connection carrying the call's stream now; what the call sends afterwards waits in
  // the session for the client to reconnect with Last-Event-ID. No-op where that is impossible.
  virtual void close_stream() {}
};

}  // namespace shopmcp::rpc
