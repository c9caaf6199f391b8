// http::Exchange: one request's way back to the client, owned by the worker that accepted it and
// handed to the handler. A handler answers exactly once, in one of three ways: respond (plain
// data), start a stream (head written, then the connection adopted by the StreamHub), or respond
// and then run work after the request is finished (the client does not wait for it). Implemented
// by fcgi over an FCGX_Request and by tests over a socketpair.
// Not thread-safe: the request's worker.
#pragma once

#include <functional>
#include <memory>

#include "http/request.h"
#include "sse/sink.h"
#include "sse/stream_hub.h"

namespace shopmcp::http {

// Everything a stream needs at hand-off.
struct StreamStart {
  Response head;         // status, headers and the first frames (sent without Content-Length)
  sse::StreamSlot slot;  // reserved beforehand (StreamHub::reserve); consumed by the hub's adopt
  sse::StreamInit init;  // frames and bytes are counted from head.body
  std::function<void()> adopted;  // runs once the hub owns the stream (may be empty)
};

class Exchange {
 public:
  virtual ~Exchange() = default;

  // Sends `r` and finishes the request.
  void respond(Response r);
  // Writes `s.head`, hands the connection to the hub through `s.slot` (also when the write
  // failed: the hub then sees the peer gone and closes it), then runs `s.adopted`. Nothing more
  // is written through this exchange.
  void start_stream(StreamStart s);
  // Sends `r`, finishes the request, and leaves `after` for the worker to run once the handler
  // has returned (e.g. a legacy HTTP+SSE call answered on its stream after the 202).
  void respond_then(Response r, std::function<void()> after);

  bool answered() const { return answered_; }
  // The status sent (200 for a stream); 0 while unanswered.
  int status() const { return status_; }
  // The work respond_then left, once; empty when none.
  std::function<void()> take_follow_up() { return std::move(follow_up_); }

 protected:
  // Writes `r` (its body too, unless the request was HEAD) and finishes the request.
  virtual void send(const Response& r) = 0;
  // Writes `head` with its body, without Content-Length, and gives up the connection as a Sink.
  virtual std::unique_ptr<sse::Sink> detach(const Response& head) = 0;

 private:
  void mark_answered(int status);

  bool answered_ = false;
  int status_ = 0;
  std::function<void()> follow_up_;
};

}  // namespace shopmcp::http
