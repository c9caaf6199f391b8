// sse::Sink: where one stream's bytes go after hand-off. fcgi implements it over an FCGX_Request;
// tests implement it over a socketpair. Not thread-safe: only the StreamHub uses a handed-off Sink.
#pragma once

#include <string_view>

namespace shopmcp::sse {

class Sink {
 public:
  virtual ~Sink() = default;
  // Writes and flushes all of `data` without waiting on a peer that does not read. Returns 0, or
  // the errno of the failure: EAGAIN only when nothing was written because the socket has no room
  // now (the data is offered again when it has), EPIPE or ECONNRESET when the peer is gone,
  // anything else for other failures.
  virtual int write(std::string_view data) = 0;
  // The connection's socket, watched for hang-up; -1 when there is none to watch.
  virtual int fd() const = 0;
  // Ends the request (FCGX_Finish_r for FastCGI). Called exactly once, last.
  virtual void finish() = 0;
};

}  // namespace shopmcp::sse
