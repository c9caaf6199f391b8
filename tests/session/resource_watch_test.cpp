// ResourceWatcher: a change to a subscribed resource reaches the subscriber's GET stream as
// notifications/resources/updated, once; subscribers without a stream are skipped.
#include "session/resource_watch.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "core/mutex.h"
#include "transport/mcp_stack.h"

namespace shopmcp::testing {
namespace {

struct Note {
  core::Mutex mu;
  std::string text GUARDED_BY(mu) = "first";
  void set(std::string t) {
    core::MutexLock l(&mu);
    text = std::move(t);
  }
  std::string get() {
    core::MutexLock l(&mu);
    return text;
  }
};

std::function<void(mcp::ResourceRegistry&)> note_resource(Note& note) {
  return [&note](mcp::ResourceRegistry& r) {
    r.add(mcp::Resource{"memo://note", "note", "", "A note", "text/plain", [&note] {
                          return mcp::ReadResult(
                              std::vector<mcp::ResourceContents>{mcp::ResourceContents::of_text(
                                  "memo://note", "text/plain", note.get())});
                        }});
  };
}

std::string subscribe(McpStack& s, const std::string& sid) {
  return s
      .rpc(
          sid,
          R"({"jsonrpc":"2.0","id":7,"method":"resources/subscribe","params":{"uri":"memo://note"}})")
      .body;
}

}  // namespace

TEST_SUITE("session.resource_watch") {
  TEST_CASE("a changed subscription is announced on the GET stream, once") {
    Note note;
    McpStack s({}, {}, note_resource(note));
    session::ResourceWatcher watcher(*s.server, *s.sessions, std::chrono::milliseconds(0));
    const std::string sid = s.initialize();
    auto g = s.send("GET", "/mcp", "", {{"mcp-session-id", sid}, {"accept", "text/event-stream"}});
    REQUIRE(g.status == 200);
    auto peer = take_stream(g);
    s.pump();
    CHECK(body_of(subscribe(s, sid))["result"].ObjectEmpty());
    CHECK(watcher.poll_once() == 0);
    note.set("second");
    CHECK(watcher.poll_once() == 1);
    CHECK(watcher.poll_once() == 0);
    s.pump();
    auto messages = sse_messages(peer->read_now());
    REQUIRE(messages.size() == 1);
    CHECK(std::string(messages[0]["method"].GetString()) == "notifications/resources/updated");
    CHECK(std::string(messages[0]["params"]["uri"].GetString()) == "memo://note");
    // After unsubscribing, changes are not announced.
    s.rpc(
        sid,
        R"({"jsonrpc":"2.0","id":8,"method":"resources/unsubscribe","params":{"uri":"memo://note"}})");
    note.set("third");
    CHECK(watcher.poll_once() == 0);
  }

  TEST_CASE("a subscriber without a stream is skipped; a deleted session is forgotten") {
    Note note;
    McpStack s({}, {}, note_resource(note));
    session::ResourceWatcher watcher(*s.server, *s.sessions, std::chrono::milliseconds(0));
    const std::string sid = s.initialize();
    subscribe(s, sid);
    note.set("second");
    CHECK(watcher.poll_once() == 0);
    REQUIRE(s.sessions->peek(sid) != nullptr);
    CHECK(s.sessions->peek(sid)->subscriptions().size() == 1);
    CHECK(s.send("DELETE", "/mcp", "", {{"mcp-session-id", sid}}).status == 204);
    CHECK(s.sessions->client(sid) == nullptr);
    note.set("third");
    CHECK(watcher.poll_once() == 0);
  }

  TEST_CASE("the watcher thread polls on its own and stops promptly") {
    Note note;
    McpStack s({}, {}, note_resource(note));
    session::ResourceWatcher watcher(*s.server, *s.sessions, std::chrono::milliseconds(10));
    const std::string sid = s.initialize();
    auto g = s.send("GET", "/mcp", "", {{"mcp-session-id", sid}, {"accept", "text/event-stream"}});
    auto peer = take_stream(g);
    s.pump();
    subscribe(s, sid);
    watcher.start();
    note.set("second");
    std::string text;
    for (int i = 0; i < 300 && text.find("resources/updated") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      s.pump(1);
      text += peer->read_now();
    }
    CHECK(text.find("notifications/resources/updated") != std::string::npos);
    watcher.stop();
  }
}

}  // namespace shopmcp::testing
