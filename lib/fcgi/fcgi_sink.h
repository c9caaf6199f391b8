// FcgiSink: an sse::Sink over a handed-off FCGX_Request. Every write is checked (FCGX_PutStr,
// FCGX_FFlush, FCGX_GetError); finish() closes stdout (its end and FCGI_END_REQUEST records) and
// calls FCGX_Finish_r. Not thread-safe: the hub is its one user.
#pragma once

#include <memory>
#include <string_view>

#include "sse/sink.h"

struct FCGX_Request;

namespace shopmcp::fcgi {

class FcgiSink final : public sse::Sink {
 public:
  // kYes frees what a stream never uses again, about 9 KB of the ~18 KB libfcgi holds per
  // request: the stdin reader and its 8 KB buffer (stdin must have been read to its end), and the
  // stderr writer (closed first; nothing was written to it, so it sends nothing).
  enum class Slim { kNo, kYes };
  // Takes the request (accepted, headers written). Sets a short send timeout on its socket so a
  // peer that never reads makes writes fail instead of blocking.
  explicit FcgiSink(std::unique_ptr<FCGX_Request> request, Slim slim = Slim::kNo);
  ~FcgiSink() override;
  FcgiSink(const FcgiSink&) = delete;
  FcgiSink& operator=(const FcgiSink&) = delete;

  int write(std::string_view data) override;
  int fd() const override;
  void finish() override;

 private:
  std::unique_ptr<FCGX_Request> request_;
  bool finished_ = false;
};

}  // namespace shopmcp::fcgi
