// SessionTable at its cap: concurrent creates each reclaim an idle session, none is refused while
// idle ones remain.
#include "session/session_table.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "metrics/metrics.h"
#include "sse/stream_hub.h"
#include "sse/test_support.h"

namespace shopmcp::testing {

TEST_SUITE("session.table") {
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
