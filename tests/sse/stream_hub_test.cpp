#include "sse/stream_hub.h"

#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <set>
#include <thread>

#include "sse/frame.h"
#include "sse/test_support.h"

using namespace std::chrono_literals;
using shopmcp::sse::CloseReason;
using shopmcp::sse::StreamHub;

using shopmcp::testing::Counters;
using shopmcp::testing::FakeClock;
using shopmcp::testing::Peer;
using shopmcp::testing::SocketSink;

namespace {

class TestFormat final : public shopmcp::sse::Format {
 public:
  std::string ping(const shopmcp::sse::StreamView& s) const override {
    return "ping " + std::to_string(s.pings) + "\n";
  }
  std::string timeout(const shopmcp::sse::StreamView&) const override { return "timeout\n"; }
  std::string close(const shopmcp::sse::StreamView&, CloseReason r) const override {
    return std::string("close ") + shopmcp::sse::to_string(r) + "\n";
  }
};

struct Fixture {
  FakeClock clock;
  shopmcp::metrics::Registry metrics;
  shopmcp::sse::HubOptions options;
  std::unique_ptr<StreamHub> hub;
  std::shared_ptr<const TestFormat> format = std::make_shared<TestFormat>();

  explicit Fixture(shopmcp::sse::HubOptions o = {}) : options(o) {
    hub = std::make_unique<StreamHub>(options, clock, metrics);
  }

  // Opens a stream; returns the test's end of the socketpair.
  std::unique_ptr<Peer> open(const std::string& id, Counters* c) {
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    shopmcp::sse::StreamSlot slot = hub->reserve();
    REQUIRE(slot);
    shopmcp::sse::StreamInit init;
    init.connection_id = id;
    init.route = "test";
    init.format = format;
    std::move(slot).adopt(std::make_unique<SocketSink>(sv[0], c), std::move(init));
    auto p = std::make_unique<Peer>();
    p->fd = sv[1];
    return p;
  }

  void tick(std::chrono::milliseconds d) {
    clock.advance(d);
    hub->poll_once(0ms);
  }

  std::int64_t closed(const char* reason) { return metrics.streams_closed.with({reason}).value(); }
};

}  // namespace

TEST_SUITE("sse.stream_hub") {
  TEST_CASE("keepalives: the first within the interval (staggered), then every interval") {
    shopmcp::sse::HubOptions o;
    o.ping_interval = 1000ms;
    Fixture f(o);
    Counters c;
    std::vector<std::unique_ptr<Peer>> peers;
    for (int i = 0; i < 8; ++i) peers.push_back(f.open("s" + std::to_string(i), &c));
    std::vector<std::vector<int>> at(peers.size());  // ms at which each stream's pings arrived
    f.tick(0ms);
    for (int ms = 1; ms <= 3600; ++ms) {
      f.tick(1ms);
      for (std::size_t i = 0; i < peers.size(); ++i) {
        const std::string got = peers[i]->read_now();
        if (got.empty()) continue;
        CHECK(got == "ping " + std::to_string(at[i].size() + 1) + "\n");
        at[i].push_back(ms);
      }
    }
    std::set<int> firsts;
    for (const auto& times : at) {
      REQUIRE(times.size() == 3);
      CHECK(times[0] >= 750);  // staggered over the last quarter of the interval
      CHECK(times[0] <= 1000);
      CHECK(times[1] - times[0] == 1000);
      CHECK(times[2] - times[1] == 1000);
      firsts.insert(times[0]);
    }
    CHECK(firsts.size() > 1);  // not all at once
    CHECK(f.metrics.pings_sent.value() == 24);
  }

  TEST_CASE("the lifetime limit sends timeout, then close, then ends the stream") {
    shopmcp::sse::HubOptions o;
    o.ping_interval = 10000ms;
    o.max_connection_time = 3000ms;
    Fixture f(o);
    Counters c;
    auto peer = f.open("a", &c);
    f.tick(2999ms);
    CHECK(peer->read_now().empty());
    f.tick(1ms);
    bool eof = false;
    CHECK(peer->read_now(&eof) == "timeout\nclose timeout\n");
    peer->read_now(&eof);
    CHECK(eof);
    CHECK(c.finishes == 1);
    CHECK(f.closed("timeout") == 1);
    CHECK(f.hub->open_streams() == 0);
    CHECK(f.metrics.streams_open.value() == 0);
  }

  TEST_CASE("a peer that hangs up is closed at once, without waiting for a ping") {
    Fixture f;
    Counters c;
    auto peer = f.open("a", &c);
    f.tick(0ms);
    ::close(peer->fd);
    peer->fd = -1;
    f.tick(0ms);
    CHECK(c.finishes == 1);
    CHECK(f.closed("client_disconnected") == 1);
    CHECK(f.hub->open_streams() == 0);
  }

  TEST_CASE("consecutive write failures close the stream; a success resets the count") {
    shopmcp::sse::HubOptions o;
    o.ping_interval = 1000ms;
    o.max_consecutive_failures = 3;
    Fixture f(o);
    Counters c;
    auto peer = f.open("a", &c);
    f.tick(0ms);
    // A failed frame is retried: ping 1 fails twice (EIO), then goes out, which resets the count.
    c.scripted_errors = {EIO, EIO, 0};
    f.tick(1000ms);
    for (int i = 0; i < 5; ++i) {
      REQUIRE(f.hub->enqueue("a", ""));  // an empty frame only nudges the retry along
      f.tick(0ms);
    }
    CHECK(f.hub->open_streams() == 1);
    CHECK(c.finishes == 0);
    CHECK(f.metrics.write_failures.value() == 2);
    // Three failures in a row close it.
    c.scripted_errors = {EIO, EIO, EIO};
    f.tick(1000ms);
    for (int i = 0; i < 5 && f.hub->open_streams() == 1; ++i) {
      f.hub->enqueue("a", "");
      f.tick(0ms);
    }
    CHECK(f.closed("write_failures") == 1);
    CHECK(c.finishes == 1);
    CHECK(f.metrics.write_failures.value() == 5);
    // In order, nothing repeated, and the close frame last.
    CHECK(peer->read_now() == "ping 1\nclose write_failures\n");
  }

  TEST_CASE("a busy socket is back-pressure: only keepalives that cannot go out count") {
    shopmcp::sse::HubOptions o;
    o.ping_interval = 1000ms;
    o.max_consecutive_failures = 3;
    Fixture f(o);
    Counters c;
    auto peer = f.open("a", &c);
    f.tick(0ms);
    // Many "no room now" answers in a row, as a client reading a burst meets: not failures.
    c.scripted_errors = {EAGAIN, EAGAIN, EAGAIN, EAGAIN, EAGAIN, EAGAIN, EAGAIN, EAGAIN};
    for (int i = 0; i < 6; ++i) REQUIRE(f.hub->enqueue("a", "frame " + std::to_string(i) + "\n"));
    for (int i = 0; i < 10; ++i) {
      f.hub->enqueue("a", "");
      f.tick(0ms);
    }
    CHECK(f.hub->open_streams() == 1);
    CHECK(f.metrics.write_failures.value() == 0);
    CHECK(peer->read_now() == "frame 0\nframe 1\nframe 2\nframe 3\nframe 4\nframe 5\n");
    // A client that stops reading for good: every keepalive attempt fails; the third closes it.
    c.scripted_errors.assign(1000, EAGAIN);
    f.tick(1000ms);
    CHECK(f.hub->open_streams() == 1);
    f.tick(1000ms);
    CHECK(f.hub->open_streams() == 1);
    f.tick(1000ms);
    CHECK(f.hub->open_streams() == 0);
    CHECK(f.closed("write_failures") == 1);
    CHECK(f.metrics.write_failures.value() == 3);
  }

  TEST_CASE("a write that finds the peer gone closes the stream at once: the client left") {
    Fixture f;
    Counters c;
    auto peer = f.open("a", &c);
    f.tick(0ms);
    c.scripted_errors = {EPIPE};
    CHECK(f.hub->enqueue("a", "frame\n"));
    f.tick(0ms);
    CHECK(f.closed("client_disconnected") == 1);  // the same reason the hang-up watch gives
    CHECK(c.finishes == 1);
    CHECK(peer->read_now().empty());  // no close frame to a peer that cannot read it
  }

  TEST_CASE("queued frames go out in order; overflow closes the stream instead of dropping") {
    shopmcp::sse::HubOptions o;
    o.max_queued = 3;
    Fixture f(o);
    Counters c;
    auto peer = f.open("a", &c);
    f.tick(0ms);
    CHECK(f.hub->enqueue("a", "1\n"));
    CHECK(f.hub->enqueue("a", "2\n"));
    f.tick(0ms);
    CHECK(peer->read_now() == "1\n2\n");
    CHECK(f.hub->enqueue("a", "3\n"));
    CHECK(f.hub->enqueue("a", "4\n"));
    CHECK(f.hub->enqueue("a", "5\n"));
    CHECK_FALSE(f.hub->enqueue("a", "6\n"));
    f.tick(0ms);
    CHECK(f.closed("error") == 1);
    CHECK(c.finishes == 1);
    CHECK_FALSE(f.hub->enqueue("a", "7\n"));  // closed streams refuse frames
  }

  TEST_CASE("close runs exactly once when closes race with a hang-up and the lifetime") {
    shopmcp::sse::HubOptions o;
    o.max_connection_time = 1000ms;
    Fixture f(o);
    Counters c;
    auto peer = f.open("a", &c);
    f.tick(0ms);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&f, i] {
        for (int k = 0; k < 50; ++k) {
          f.hub->request_close("a", i % 2 ? CloseReason::kSessionDeleted : CloseReason::kError);
        }
      });
    }
    ::close(peer->fd);
    peer->fd = -1;
    f.clock.advance(1000ms);
    for (auto& t : threads) t.join();
    f.hub->poll_once(0ms);
    f.hub->poll_once(0ms);
    CHECK(c.finishes == 1);
    std::int64_t total = 0;
    for (const char* r : {"client_disconnected", "write_failures", "timeout", "server_shutdown",
                          "session_deleted", "error"}) {
      total += f.closed(r);
    }
    CHECK(total == 1);
    CHECK(f.metrics.streams_open.value() == 0);
  }

  TEST_CASE("the open-stream cap refuses reservations until a stream closes") {
    shopmcp::sse::HubOptions o;
    o.max_streams = 2;
    Fixture f(o);
    Counters c;
    auto a = f.open("a", &c);
    auto b = f.open("b", &c);
    CHECK_FALSE(f.hub->reserve());
    CHECK(f.metrics.streams_rejected.value() == 1);
    f.hub->request_close("a", CloseReason::kError);
    f.tick(0ms);
    {
      shopmcp::sse::StreamSlot unused = f.hub->reserve();
      CHECK(unused);
      CHECK_FALSE(f.hub->reserve());  // the slot is held while `unused` lives
    }
    // Dropped unused, the slot went back: no hand-written release.
    shopmcp::sse::StreamSlot again = f.hub->reserve();
    CHECK(again);
    shopmcp::sse::StreamSlot moved = std::move(again);
    CHECK_FALSE(again);
    CHECK(moved);
    CHECK(f.metrics.streams_rejected.value() == 2);
  }

  TEST_CASE("shutdown delivers a server_shutdown close frame to every stream and finishes it") {
    Fixture f;
    Counters c;
    std::vector<std::unique_ptr<Peer>> peers;
    for (int i = 0; i < 20; ++i) peers.push_back(f.open("s" + std::to_string(i), &c));
    f.tick(0ms);
    shopmcp::sse::StreamSlot pending = f.hub->reserve();  // a worker about to hand a stream over
    REQUIRE(pending);
    f.hub->start();
    f.hub->shutdown(2000ms);
    CHECK_FALSE(f.hub->reserve());
    CHECK(c.finishes == 20);
    for (auto& p : peers) {
      bool eof = false;
      CHECK(p->read_now(&eof) == "close server_shutdown\n");
      p->read_now(&eof);
      CHECK(eof);
    }
    CHECK(f.closed("server_shutdown") == 20);
    // A stream handed over after the drain is closed the same way at once.
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    shopmcp::sse::StreamInit init;
    init.connection_id = "late";
    init.format = f.format;
    std::move(pending).adopt(std::make_unique<SocketSink>(sv[0], &c), std::move(init));
    Peer late;
    late.fd = sv[1];
    CHECK(late.read_now() == "close server_shutdown\n");
    CHECK(c.finishes == 21);
  }

  TEST_CASE("frame encoding splits data lines and carries event and id") {
    CHECK(shopmcp::sse::event("response", "{\"a\":1}", "7") ==
          "event: response\nid: 7\ndata: {\"a\":1}\n\n");
    CHECK(shopmcp::sse::event("", "a\nb") == "data: a\ndata: b\n\n");
    CHECK(shopmcp::sse::comment("keepalive") == ": keepalive\n\n");
  }

  TEST_CASE("every line ending a client honours starts a new data line, a lone CR too") {
    // A lone CR ends a line for an SSE client: passed through, "id: 9" would become a field.
    CHECK(shopmcp::sse::event("", "x\rid: 9") == "data: x\ndata: id: 9\n\n");
    CHECK(shopmcp::sse::event("", "a\r\nb\rc\nd") == "data: a\ndata: b\ndata: c\ndata: d\n\n");
    CHECK(shopmcp::sse::event("", "a\r") == "data: a\ndata: \n\n");
    CHECK(shopmcp::sse::event("", "") == "data: \n\n");
  }
}
