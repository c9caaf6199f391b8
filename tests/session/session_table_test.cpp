// SessionTable at its caps (global and per client): concurrent creates each reclaim an idle
// session, none is refused while idle ones remain, one client's flood ends its own sessions
// first; and the process-wide replay budget drops the oldest events of all sessions.
#include "session/session_table.h"

#include <doctest/doctest.h>

#include <sys/socket.h>

#include <atomic>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "metrics/metrics.h"
#include "sse/stream_hub.h"
#include "sse/test_support.h"

namespace shopmcp::testing {
namespace {

// A table over a hub of its own, for one test.
struct Table {
  explicit Table(session::SessionOptions o) : options(o) {}
  session::SessionOptions options;
  FakeClock clock;
  metrics::Registry metrics;
  sse::StreamHub hub{[&] {
                       sse::HubOptions ho;
                       ho.max_queued = options.replay.hub_queue();
                       return ho;
                     }(),
                     clock, metrics};
  session::SessionTable table{options, hub, clock, metrics};

  std::shared_ptr<session::Session> create(const std::string& client) {
    auto s = table.create(session::SessionKind::kStreamable, "2025-11-25", client);
    REQUIRE(s.has_value());
    return *s;
  }
};

rapidjson::Document message_of(std::size_t bytes) {
  rapidjson::Document d(rapidjson::kObjectType);
  d.AddMember("jsonrpc", "2.0", d.GetAllocator());
  d.AddMember("method", "notifications/message", d.GetAllocator());
  d.AddMember("data", rapidjson::Value(std::string(bytes, 'x'), d.GetAllocator()),
              d.GetAllocator());
  return d;
}

// Frames only; the hub's own messages do not matter here.
class PlainFormat final : public sse::Format {
 public:
  std::string ping(const sse::StreamView&) const override { return ""; }
  std::string timeout(const sse::StreamView&) const override { return ""; }
  std::string close(const sse::StreamView&, sse::CloseReason) const override { return ""; }
};

}  // namespace

TEST_SUITE("session.streams") {
  TEST_CASE("a connection the hub closed before its attach leaves the session idle") {
    Table t(session::SessionOptions{});
    auto s = t.create("10.0.0.1");
    const std::uint64_t stream = s->open_stream();
    s->detach(stream, "mcp_gone");     // the hub's on_close: the client left at once
    s->attach(stream, "mcp_gone", 0);  // the door's adopted step, just after
    t.clock.advance(std::chrono::seconds(1));
    CHECK(s->idle_since(t.clock.steady_now()));
  }

  TEST_CASE("what a stream sent before its first attach is delivered on that attach") {
    Table t(session::SessionOptions{});
    auto s = t.create("10.0.0.1");
    const std::uint64_t stream = s->open_stream();
    s->send(stream, message_of(16));  // e.g. an answer posted right after the endpoint event
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    Counters counters;
    sse::StreamSlot slot = t.hub.reserve();
    REQUIRE(slot);
    sse::StreamInit init;
    init.connection_id = "mcp_first";
    init.route = "test";
    init.format = std::make_shared<PlainFormat>();
    std::move(slot).adopt(std::make_unique<SocketSink>(sv[0], &counters), std::move(init));
    Peer peer;
    peer.fd = sv[1];
    s->attach(stream, "mcp_first", 0);
    s->send(stream, message_of(17));  // and what comes after, once, in order
    t.hub.poll_once(std::chrono::milliseconds(0));
    const std::string got = peer.read_now();
    const std::string sent_before = "\"data\":\"" + std::string(16, 'x') + "\"";
    const std::string sent_after = "\"data\":\"" + std::string(17, 'x') + "\"";
    const auto first = got.find(sent_before);
    const auto second = got.find(sent_after);
    CHECK(first != std::string::npos);
    CHECK(second != std::string::npos);
    CHECK(first < second);
    CHECK(got.find(sent_before, first + 1) == std::string::npos);
  }
}

TEST_SUITE("session.table") {
  TEST_CASE("session ids start with the instance's prefix, then 32 hex digits") {
    session::SessionOptions o;
    o.id_prefix = "b2.";
    Table t(o);
    const auto a = t.create("1.2.3.4")->id();
    const auto b = t.create("1.2.3.4")->id();
    CHECK(a != b);
    for (const auto& id : {a, b}) {
      REQUIRE(id.size() == 3 + 32);
      CHECK(id.rfind("b2.", 0) == 0);
      CHECK(id.find_first_not_of("0123456789abcdef", 3) == std::string::npos);
      CHECK(t.table.find(id) != nullptr);
    }
    Table plain(session::SessionOptions{});
    CHECK(plain.create("1.2.3.4")->id().size() == 32);
  }

  TEST_CASE("a client at its own limit reclaims its own idle sessions, never another's") {
    session::SessionOptions o;
    o.max_sessions = 100;
    o.max_sessions_per_client = 5;
    Table t(o);
    std::vector<std::string> others;
    for (int i = 0; i < 3; ++i) others.push_back(t.create("10.0.0.2")->id());
    t.clock.advance(std::chrono::seconds(1));
    for (int i = 0; i < 5; ++i) t.create("10.0.0.1");
    t.clock.advance(std::chrono::seconds(1));
    for (int i = 0; i < 20; ++i) {
      t.create("10.0.0.1");
      t.clock.advance(std::chrono::seconds(1));
    }
    CHECK(t.table.size_of("10.0.0.1") == 5);
    CHECK(t.table.size_of("10.0.0.2") == 3);
    for (const auto& id : others) CHECK(t.table.peek(id) != nullptr);
    CHECK(t.metrics.sessions_ended.with({"reclaimed"}).value() == 20);
    // Every session of the client busy with a call: the next create is refused, with a reason.
    for (const auto& s : t.table.all()) {
      if (s->client() == "10.0.0.1") s->begin_call("1");
    }
    auto refused = t.table.create(session::SessionKind::kStreamable, "2025-11-25", "10.0.0.1");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("already holds 5") != std::string::npos);
    CHECK(t.table.create(session::SessionKind::kStreamable, "2025-11-25", "10.0.0.3"));
  }

  TEST_CASE("at the global cap the idle sessions of the client holding the most go first") {
    session::SessionOptions o;
    o.max_sessions = 10;
    Table t(o);
    std::vector<std::string> light;
    for (int i = 0; i < 2; ++i) light.push_back(t.create("10.0.0.2")->id());
    t.clock.advance(std::chrono::seconds(1));
    for (int i = 0; i < 8; ++i) t.create("10.0.0.1");  // newer, but the heaviest client
    t.clock.advance(std::chrono::seconds(1));
    t.create("10.0.0.3");
    t.create("10.0.0.3");
    CHECK(t.table.size_of("10.0.0.1") == 6);
    CHECK(t.table.size_of("10.0.0.2") == 2);
    for (const auto& id : light) CHECK(t.table.peek(id) != nullptr);
  }

  TEST_CASE(
      "past the replay budget the oldest events of all sessions go, and resuming past one "
      "is refused") {
    session::SessionOptions o;
    o.replay.budget_bytes = 64 << 10;
    Table t(o);
    std::vector<std::shared_ptr<session::Session>> sessions;
    for (int i = 0; i < 4; ++i) {
      auto s = t.create("10.0.0.1");
      const std::uint64_t stream = s->open_stream();
      REQUIRE(stream == 1);
      sessions.push_back(s);
    }
    const auto msg = message_of(1000);
    for (auto& s : sessions) {
      for (int i = 0; i < 40; ++i) s->send(1, msg);  // 4 x 40 KiB logged against 64 KiB
    }
    CHECK(t.table.replay_bytes() <= o.replay.budget_bytes);
    CHECK(t.table.replay_bytes() > 0);
    // The first session's events are the oldest: a resume after its first event has a hole.
    CHECK(sessions[0]->find_event("1-1").status == session::Session::EventLookup::kGone);
    // The last session's events are the newest and all fit: its resume is whole.
    CHECK(sessions[3]->find_event("1-1").status == session::Session::EventLookup::kFound);
    CHECK(sessions[3]->logged_stamps().size() == 40);
    CHECK(sessions[0]->find_event("9-1").status == session::Session::EventLookup::kUnknown);
    t.table.close_all();
    CHECK(t.table.replay_bytes() == 0);
  }

  TEST_CASE("at the cap, concurrent creates reclaim idle sessions; none gets a spurious refusal") {
    FakeClock clock;
    metrics::Registry metrics;
    session::SessionOptions o;
    o.max_sessions = 64;
    sse::HubOptions ho;
    ho.max_queued = o.replay.hub_queue();
    sse::StreamHub hub(ho, clock, metrics);
    session::SessionTable table(o, hub, clock, metrics);
    for (std::size_t i = 0; i < o.max_sessions; ++i) {
      REQUIRE(table.create(session::SessionKind::kStreamable, "2025-11-25").has_value());
    }
    clock.advance(std::chrono::seconds(1));  // every one of them is idle now
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 7; ++i) {  // 56 creates, fewer than the 64 idle sessions
          if (!table.create(session::SessionKind::kStreamable, "2025-11-25")) refused++;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(refused.load() == 0);
    CHECK(table.size() == o.max_sessions);
    CHECK(metrics.sessions_ended.with({"reclaimed"}).value() == 56);
    CHECK(metrics.sessions_open.value() == static_cast<std::int64_t>(o.max_sessions));
    // The 8 idle ones left are reclaimed next; then every place is taken by a session active now,
    // and a create is refused.
    for (int i = 0; i < 8; ++i) {
      REQUIRE(table.create(session::SessionKind::kStreamable, "2025-11-25").has_value());
    }
    CHECK_FALSE(table.create(session::SessionKind::kStreamable, "2025-11-25").has_value());
  }
}

}  // namespace shopmcp::testing
