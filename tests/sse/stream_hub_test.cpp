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

using namespace std::chrono_literals;
using shopmcp::sse::CloseReason;
using shopmcp::sse::StreamHub;

namespace {

class FakeClock final : public shopmcp::core::Clock {
 public:
  std::int64_t unix_seconds() const override { return 1700000000 + ms_.load() / 1000; }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(1000000 + ms_.load()));
  }
  void advance(std::chrono::milliseconds d) { ms_ += d.count(); }

 private:
  std::atomic<std::int64_t> ms_{0};
};

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

struct Counters {
  std::atomic<int> finishes{0};
  std::deque<int> scripted_errors;  // errors returned by the next writes, then 0
};

// One end of a socketpair; the test reads the other end.
class SocketSink final : public shopmcp::sse::Sink {
 public:
  SocketSink(int fd, Counters* c) : fd_(fd), c_(c) {}
  ~SocketSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  int write(std::string_view data) override {
    if (!c_->scripted_errors.empty()) {
      const int e = c_->scripted_errors.front();
      c_->scripted_errors.pop_front();
      if (e != 0) return e;
    }
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) return errno;
    return static_cast<std::size_t>(n) == data.size() ? 0 : EAGAIN;
  }
  int fd() const override { return fd_; }
  void finish() override {
    ::close(fd_);
    fd_ = -1;
    c_->finishes++;
  }

 private:
  int fd_;
  Counters* c_;
};

struct Peer {
  int fd = -1;
  ~Peer() {
    if (fd >= 0) ::close(fd);
  }
  // Everything readable now; "" plus eof=true once the hub closed its end.
  std::string read_now(bool* eof = nullptr) {
    std::string out;
    char buf[4096];
    while (true) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 0) <= 0) break;
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) {
        if (eof) *eof = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
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
    REQUIRE(hub->try_reserve());
    shopmcp::sse::StreamInit init;
    init.connection_id = id;
    init.route = "test";
    init.format = format;
    hub->adopt(std::make_unique<SocketSink>(sv[0], c), std::move(init));
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
    // Ping 1 fails twice, then pings 1-3 go out together (the count resets); ping 4 fails twice.
    c.scripted_errors = {EAGAIN, EAGAIN, 0, 0, 0, EAGAIN, EAGAIN};
    for (int i = 0; i < 5; ++i) f.tick(1000ms);
    CHECK(f.hub->open_streams() == 1);
    CHECK(c.finishes == 0);
    CHECK(f.metrics.write_failures.value() == 4);
    c.scripted_errors = {EAGAIN};
    f.tick(1000ms);
    CHECK(f.closed("write_failures") == 1);
    CHECK(c.finishes == 1);
    // In order, nothing lost or repeated, and the close frame last.
    CHECK(peer->read_now() == "ping 1\nping 2\nping 3\nclose write_failures\n");
  }

  TEST_CASE("a broken pipe closes the stream at the first failure") {
    Fixture f;
    Counters c;
    auto peer = f.open("a", &c);
    f.tick(0ms);
    c.scripted_errors = {EPIPE};
    CHECK(f.hub->enqueue("a", "frame\n"));
    f.tick(0ms);
    CHECK(f.closed("broken_pipe") == 1);
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
    for (const char* r : {"client_disconnected", "broken_pipe", "write_failures", "timeout",
                          "server_shutdown", "session_deleted", "error"}) {
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
    CHECK_FALSE(f.hub->try_reserve());
    CHECK(f.metrics.streams_rejected.value() == 1);
    f.hub->request_close("a", CloseReason::kError);
    f.tick(0ms);
    CHECK(f.hub->try_reserve());
    f.hub->release();
  }

  TEST_CASE("shutdown delivers a server_shutdown close frame to every stream and finishes it") {
    Fixture f;
    Counters c;
    std::vector<std::unique_ptr<Peer>> peers;
    for (int i = 0; i < 20; ++i) peers.push_back(f.open("s" + std::to_string(i), &c));
    f.tick(0ms);
    REQUIRE(f.hub->try_reserve());  // a worker that is about to hand a stream over
    f.hub->start();
    f.hub->shutdown(2000ms);
    CHECK_FALSE(f.hub->try_reserve());
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
    f.hub->adopt(std::make_unique<SocketSink>(sv[0], &c), std::move(init));
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
}
