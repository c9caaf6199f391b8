#include "transport/stream_start.h"

#include "core/ids.h"
#include "sse/frame.h"

namespace shopmcp::transport {
namespace {

class McpStreamFormat final : public sse::Format {
 public:
  std::string ping(const sse::StreamView&) const override { return sse::comment("keepalive"); }
  std::string timeout(const sse::StreamView&) const override { return {}; }
  std::string close(const sse::StreamView&, sse::CloseReason) const override { return {}; }
};

}  // namespace

http::Response sse_head(const std::string& session_id) {
  http::Response r;
  r.set_header("Content-Type", "text/event-stream");
  r.set_header("Cache-Control", "no-cache, no-store");
  r.set_header("X-Accel-Buffering", "no");
  if (!session_id.empty()) r.set_header("Mcp-Session-Id", session_id);
  return r;
}

std::shared_ptr<const sse::Format> mcp_stream_format() {
  static const auto kFormat = std::make_shared<const McpStreamFormat>();
  return kFormat;
}

std::string new_connection_id() { return "mcp_" + core::random_hex(12); }

http::StreamStart hub_stream(http::Response head, sse::StreamSlot slot, const std::string& conn,
                             const char* route, std::function<void(sse::CloseReason)> on_close) {
  http::StreamStart start{std::move(head), std::move(slot), {}, {}};
  start.init.connection_id = conn;
  start.init.route = route;
  start.init.format = mcp_stream_format();
  start.init.on_close = std::move(on_close);
  return start;
}

http::StreamStart session_stream(http::Response head, sse::StreamSlot slot,
                                 std::shared_ptr<session::Session> session, std::uint64_t stream,
                                 const char* route, std::uint64_t after_seq,
                                 std::function<void(sse::CloseReason)> on_close) {
  const std::string conn = new_connection_id();
  if (!on_close) {
    std::weak_ptr<session::Session> weak = session;
    on_close = [weak, stream, conn](sse::CloseReason) {
      if (auto s = weak.lock()) s->detach(stream, conn);
    };
  }
  http::StreamStart start =
      hub_stream(std::move(head), std::move(slot), conn, route, std::move(on_close));
  start.adopted = [session = std::move(session), stream, conn, after_seq] {
    session->attach(stream, conn, after_seq);
  };
  return start;
}

}  // namespace shopmcp::transport
