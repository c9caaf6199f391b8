#include "http/exchange.h"

#include "core/check.h"

namespace shopmcp::http {

void Exchange::mark_answered(int status) {
  MCP_CHECK(!answered_);  // a handler answers once
  answered_ = true;
  status_ = status;
}

void Exchange::respond(Response r) {
  mark_answered(r.status);
  send(r);
}

void Exchange::respond_then(Response r, std::function<void()> after) {
  respond(std::move(r));
  follow_up_ = std::move(after);
}

void Exchange::start_stream(StreamStart s) {
  MCP_CHECK(static_cast<bool>(s.slot));
  mark_answered(s.head.status);
  s.init.frames = s.head.body.empty() ? 0 : 1;
  s.init.bytes = static_cast<std::int64_t>(s.head.body.size());
  std::unique_ptr<sse::Sink> sink = detach(s.head);
  std::move(s.slot).adopt(std::move(sink), std::move(s.init));
  if (s.adopted) s.adopted();
}

}  // namespace shopmcp::http
