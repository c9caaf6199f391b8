// Test support for code above fcgi: an http::Exchange that records the answer, and hands a stream
// to the hub over a socketpair whose other end the test reads as the client.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/exchange.h"
#include "http/router.h"
#include "sse/test_support.h"

namespace shopmcp::testing {

// What a test sees of a stream started through a TestExchange. `used` turns true last, so a test
// thread polling it sees everything else.
struct StreamCatch {
  std::atomic<bool> used{false};
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string first;  // the body written with the head
  Counters counters;  // the hub's sink counts here: must outlive the stream
  Peer client;
};

class TestExchange final : public http::Exchange {
 public:
  explicit TestExchange(StreamCatch* streams) : streams_(streams) {}
  http::Response response;  // what respond() sent

 private:
  void send(const http::Response& r) override { response = r; }
  std::unique_ptr<sse::Sink> detach(const http::Response& head) override {
    REQUIRE_FALSE(streams_->used.load());
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    streams_->client.fd = sv[1];
    streams_->status = head.status;
    streams_->headers = head.headers;
    streams_->first = head.body;
    streams_->used.store(true);
    return std::make_unique<SocketSink>(sv[0], &streams_->counters);
  }

  StreamCatch* streams_;
};

// One request's answer as the test sees it.
struct Answer {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // the answer, or a stream's first frames
  bool streamed = false;
  std::function<void()> after;  // what respond_then left for the worker
  StreamCatch* stream = nullptr;

  std::optional<std::string> header(std::string_view name) const {
    http::Response r;
    r.headers = headers;
    return r.header(name);
  }
};

// Routes `req` through `router`; a stream is caught in `streams` (which must outlive it).
inline Answer route(const http::Router& router, const http::Request& req, StreamCatch* streams) {
  TestExchange ex(streams);
  router.route(req, ex);
  Answer a;
  a.status = ex.status();
  a.streamed = streams->used.load();
  a.headers = a.streamed ? streams->headers : ex.response.headers;
  a.body = a.streamed ? streams->first : ex.response.body;
  a.after = ex.take_follow_up();
  a.stream = streams;
  return a;
}

// For routes that never stream.
inline Answer route(const http::Router& router, const http::Request& req) {
  StreamCatch none;
  Answer a = route(router, req, &none);
  REQUIRE_FALSE(a.streamed);
  a.stream = nullptr;
  return a;
}

// The client's end of a stream the answer started.
inline std::unique_ptr<Peer> take_stream(Answer& a) {
  REQUIRE(a.streamed);
  auto p = std::make_unique<Peer>();
  p->fd = std::exchange(a.stream->client.fd, -1);
  return p;
}

}  // namespace shopmcp::testing
