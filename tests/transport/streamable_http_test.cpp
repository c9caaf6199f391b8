#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "transport/mcp_stack.h"

using namespace std::chrono_literals;
using shopmcp::testing::body_of;
using shopmcp::testing::McpStack;
using shopmcp::testing::sse_messages;
using shopmcp::testing::StreamCatch;
using shopmcp::testing::take_stream;

namespace {

constexpr const char* kListTools = R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})";

std::string str(const rapidjson::Value& v) {
  return std::string(v.GetString(), v.GetStringLength());
}

// A tool that asks the client's model and returns what it said.
void add_ask_tool(shopmcp::mcp::ToolRegistry& tools) {
  shopmcp::mcp::Tool t;
  t.name = "ask_model";
  t.description = "asks the client's model";
  t.input_schema = shopmcp::testing::body_of(R"({"type":"object"})");
  t.handler = [](const rapidjson::Value&, shopmcp::mcp::ToolContext& ctx) {
    rapidjson::Document p = shopmcp::testing::body_of(
        R"({"messages":[{"role":"user","content":{"type":"text","text":"hi"}}],"maxTokens":5})");
    auto r = ctx.ask_client("sampling/createMessage", std::move(p), 5000ms);
    if (!r) return shopmcp::mcp::ToolResult::error(r.error().message);
    shopmcp::mcp::ToolResult out;
    out.text = std::string((*r)["content"]["text"].GetString());
    return out;
  };
  tools.add(std::move(t));
}

// Reads the client end until `needle` shows up (the hub is pumped meanwhile), at most ~2 s.
std::string read_until(McpStack& s, shopmcp::testing::Peer& p, const std::string& needle) {
  std::string got;
  for (int i = 0; i < 400 && got.find(needle) == std::string::npos; ++i) {
    s.pump(1);
    got += p.read_now();
    if (got.find(needle) == std::string::npos) std::this_thread::sleep_for(5ms);
  }
  return got;
}

}  // namespace

TEST_SUITE("transport.streamable_http") {
  TEST_CASE("initialize issues a session id; without it 400, unknown 404, after DELETE 404") {
    McpStack s;
    const std::string sid = s.initialize();
    CHECK(sid.size() == 32);
    CHECK(sid.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(s.sessions->size() == 1);
    CHECK(s.metrics.sessions_open.value() == 1);

    auto none = s.send("POST", "/mcp", kListTools);
    CHECK(none.status == 400);
    CHECK(str(body_of(none.body)["error"]["message"]).find("Mcp-Session-Id") != std::string::npos);
    auto unknown = s.rpc("0123", kListTools);
    CHECK(unknown.status == 404);
    CHECK(body_of(unknown.body)["error"]["code"].GetInt() == -32001);

    auto ok = s.rpc(sid, kListTools);
    CHECK(ok.status == 200);
    CHECK(ok.header("Mcp-Session-Id") == sid);
    CHECK(body_of(ok.body)["result"]["tools"].Size() == 5);

    // An unsupported MCP-Protocol-Version is refused on DELETE too, and the session lives on.
    auto bad_version = s.send("DELETE", "/mcp", "",
                              {{"mcp-session-id", sid}, {"mcp-protocol-version", "1999-01-01"}});
    CHECK(bad_version.status == 400);
    CHECK(body_of(bad_version.body)["error"]["code"].GetInt() == -32022);
    CHECK(s.rpc(sid, kListTools).status == 200);
    CHECK(s.send("DELETE", "/mcp", "", {{"mcp-session-id", sid}}).status == 204);
    CHECK(s.rpc(sid, kListTools).status == 404);
    CHECK(s.send("DELETE", "/mcp", "", {{"mcp-session-id", sid}}).status == 404);
    CHECK(s.metrics.sessions_open.value() == 0);
    CHECK(s.sessions->client(sid) == nullptr);  // its client state went with it
  }

  TEST_CASE("MCP-Protocol-Version: any supported one is accepted, others get 400 naming them") {
    McpStack s;
    const std::string sid = s.initialize("2025-11-25");
    for (const char* v : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}) {
      CHECK_MESSAGE(s.rpc(sid, kListTools, nullptr, {{"mcp-protocol-version", v}}).status == 200,
                    v);
    }
    auto bad = s.rpc(sid, kListTools, nullptr, {{"mcp-protocol-version", "2099-01-01"}});
    CHECK(bad.status == 400);
    auto b = body_of(bad.body);
    CHECK(b["error"]["code"].GetInt() == -32022);
    CHECK(b["error"]["data"]["supported"].Size() == 5);
    CHECK(str(b["error"]["message"]).find("2025-06-18") != std::string::npos);
  }

  TEST_CASE("notifications and responses get 202 with no body; bad input gets 4xx") {
    McpStack s;
    const std::string sid = s.initialize();
    auto n = s.rpc(sid, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    CHECK(n.status == 202);
    CHECK(n.body.empty());
    auto resp = s.rpc(sid, R"({"jsonrpc":"2.0","id":"srv-99","result":{}})");
    CHECK(resp.status == 202);
    CHECK(s.rpc(sid, R"({"jsonrpc":)").status == 400);
    CHECK(body_of(s.rpc(sid, R"({"jsonrpc":)").body)["error"]["code"].GetInt() == -32700);
    CHECK(s.rpc(sid, R"({"jsonrpc":"2.0","id":1,"method":"x/y"})").status == 200);
    CHECK(s.send("POST", "/mcp", kListTools, {{"accept", "text/html"}, {"mcp-session-id", sid}})
              .status == 406);
    auto ping = s.rpc(sid, R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
    CHECK(shopmcp::json::to_string(body_of(ping.body)["result"]) == "{}");
  }

  TEST_CASE("a call that sends nothing first is answered as JSON; with a progress token, as SSE") {
    McpStack s;
    const std::string sid = s.initialize();
    StreamCatch plain;
    auto json = s.rpc(
        sid,
        R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":1}}})",
        &plain);
    CHECK_FALSE(plain.used);
    CHECK(json.status == 200);
    CHECK(body_of(json.body)["result"]["structuredContent"]["total"].GetInt() == 1);

    StreamCatch up;
    auto r = s.rpc(
        sid,
        R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":1},"_meta":{"progressToken":"tok-1"}}})",
        &up);
    CHECK(r.streamed);
    REQUIRE(up.used);
    CHECK(up.status == 200);
    bool sse = false, session = false, no_buffering = false;
    for (const auto& [k, v] : up.headers) {
      sse = sse || (k == "Content-Type" && v == "text/event-stream");
      session = session || (k == "Mcp-Session-Id" && v == sid);
      no_buffering = no_buffering || (k == "X-Accel-Buffering" && v == "no");
    }
    CHECK(sse);
    CHECK(session);
    CHECK(no_buffering);
    // The priming event: an id, the retry hint, empty data.
    CHECK(up.first.rfind("id: ", 0) == 0);
    CHECK(up.first.find("\nretry: 2000\ndata: \n\n") != std::string::npos);

    bool eof = false;
    std::string text;
    for (int i = 0; i < 20 && !eof; ++i) {
      s.pump(1);
      text += up.client.read_now(&eof);
    }
    CHECK(eof);  // the stream ends after the result
    auto msgs = sse_messages(text);
    REQUIRE(msgs.size() == 3);
    CHECK(str(msgs[0]["method"]) == "notifications/progress");
    CHECK(str(msgs[0]["params"]["progressToken"]) == "tok-1");
    CHECK(msgs[0]["params"]["progress"].GetDouble() == 0);
    CHECK(msgs[1]["params"]["progress"].GetDouble() == 1);
    CHECK(msgs[2]["id"].GetInt() == 3);
    CHECK(msgs[2]["result"]["structuredContent"]["total"].GetInt() == 1);
    // Every event has an id, each one different.
    std::set<std::string> ids;
    std::size_t pos = 0;
    int events = 0;
    while ((pos = text.find("id: ", pos)) != std::string::npos) {
      ids.insert(text.substr(pos + 4, text.find('\n', pos) - pos - 4));
      ++events;
      pos += 4;
    }
    CHECK(events == 3);
    CHECK(ids.size() == 3);
    CHECK(s.metrics.streams_closed.with({"completed"}).value() == 1);
  }

  TEST_CASE("logging/setLevel answers {} and lets messages at or above the level through") {
    McpStack s;
    const std::string sid = s.initialize();
    auto set = s.rpc(
        sid, R"({"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"info"}})");
    CHECK(shopmcp::json::to_string(body_of(set.body)["result"]) == "{}");
    StreamCatch up;
    s.rpc(
        sid,
        R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_orders","arguments":{"limit":1}}})",
        &up);
    REQUIRE(up.used);
    const std::string text = read_until(s, up.client, "\"id\":2");
    auto msgs = sse_messages(text);
    REQUIRE(msgs.size() == 3);
    CHECK(str(msgs[0]["method"]) == "notifications/message");
    CHECK(str(msgs[0]["params"]["level"]) == "info");
    CHECK(str(msgs[0]["params"]["data"]["tool"]) == "get_orders");

    s.rpc(sid,
          R"({"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"error"}})");
    StreamCatch quiet;
    auto r = s.rpc(
        sid,
        R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_orders","arguments":{"limit":1}}})",
        &quiet);
    CHECK_FALSE(quiet.used);
    CHECK(r.status == 200);
    auto bad = s.rpc(
        sid, R"({"jsonrpc":"2.0","id":5,"method":"logging/setLevel","params":{"level":"loud"}})");
    CHECK(body_of(bad.body)["error"]["code"].GetInt() == -32602);
  }

  TEST_CASE("GET opens the standalone stream once (409 for a second) and primes it") {
    McpStack s;
    const std::string sid = s.initialize();
    auto g = s.send("GET", "/mcp", "", {{"mcp-session-id", sid}, {"accept", "text/event-stream"}});
    CHECK(g.status == 200);
    CHECK(g.body.find("retry: 2000") != std::string::npos);
    auto peer = take_stream(g);
    s.pump();
    auto second =
        s.send("GET", "/mcp", "", {{"mcp-session-id", sid}, {"accept", "text/event-stream"}});
    CHECK(second.status == 409);
    CHECK(s.send("GET", "/mcp", "", {{"mcp-session-id", sid}, {"accept", "application/json"}})
              .status == 406);
    CHECK(s.send("GET", "/mcp", "", {{"accept", "text/event-stream"}}).status == 400);
    // Once the client leaves, a new GET is allowed.
    ::close(peer->fd);
    peer->fd = -1;
    s.pump();
    CHECK(s.hub->open_streams() == 0);
    auto again =
        s.send("GET", "/mcp", "", {{"mcp-session-id", sid}, {"accept", "text/event-stream"}});
    CHECK(again.status == 200);
    auto peer2 = take_stream(again);
    // DELETE closes it with session_deleted.
    CHECK(s.send("DELETE", "/mcp", "", {{"mcp-session-id", sid}}).status == 204);
    s.pump();
    CHECK(s.metrics.streams_closed.with({"session_deleted"}).value() == 1);
    CHECK(s.hub->open_streams() == 0);
  }

  TEST_CASE("a resume replays 300 missed events on the first reconnect, each once, in order") {
    McpStack s({}, [](shopmcp::mcp::ToolRegistry& tools) {
      shopmcp::mcp::Tool t;
      t.name = "chatty";
      t.description = "reports progress 300 times";
      t.input_schema = body_of(R"({"type":"object"})");
      t.handler = [](const rapidjson::Value&, shopmcp::mcp::ToolContext& ctx) {
        for (int i = 1; i <= 300; ++i) ctx.progress(i, 300, "");
        return shopmcp::mcp::ToolResult::error("done");
      };
      tools.add(std::move(t));
    });
    const std::string sid = s.initialize();
    auto post = s.rpc(
        sid,
        R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"chatty","_meta":{"progressToken":"p"}}})");
    REQUIRE(post.streamed);
    const std::string first_id = post.body.substr(4, post.body.find('\n') - 4);
    // The connection drops before the hub wrote anything: all 301 events wait in the log.
    ::close(post.stream->client.fd);
    post.stream->client.fd = -1;
    s.pump();
    REQUIRE(s.hub->open_streams() == 0);

    auto g = s.send(
        "GET", "/mcp", "",
        {{"mcp-session-id", sid}, {"last-event-id", first_id}, {"accept", "text/event-stream"}});
    REQUIRE(g.status == 200);
    auto peer = take_stream(g);
    bool eof = false;
    std::string text;
    for (int i = 0; i < 2000 && !eof; ++i) {
      s.pump(1);
      text += peer->read_now(&eof);
    }
    CHECK(eof);  // ended after the result, not cut off
    CHECK(s.metrics.streams_closed.with({"error"}).value() == 0);
    auto msgs = sse_messages(text);
    REQUIRE(msgs.size() == 301);
    for (int i = 0; i < 300; ++i) {
      CHECK(msgs[static_cast<std::size_t>(i)]["params"]["progress"].GetDouble() == i + 1);
    }
    CHECK(msgs[300]["id"].GetInt() == 9);
  }

  TEST_CASE("Last-Event-ID replays what a stream missed, then ends it") {
    McpStack s;
    const std::string sid = s.initialize();
    StreamCatch up;
    // The client is gone before the hub writes anything: the events stay in the session's log.
    s.rpc(
        sid,
        R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":2},"_meta":{"progressToken":5}}})",
        &up);
    REQUIRE(up.used);
    const std::string priming_id = up.first.substr(4, up.first.find('\n') - 4);
    ::close(up.client.fd);
    up.client.fd = -1;
    s.pump();
    CHECK(s.hub->open_streams() == 0);

    auto g = s.send(
        "GET", "/mcp", "",
        {{"mcp-session-id", sid}, {"last-event-id", priming_id}, {"accept", "text/event-stream"}});
    REQUIRE(g.status == 200);
    auto peer = take_stream(g);
    bool eof = false;
    std::string text = g.body;
    for (int i = 0; i < 20 && !eof; ++i) {
      s.pump(1);
      text += peer->read_now(&eof);
    }
    CHECK(eof);
    // The resumed stream starts with the retry hint only: the id the client sent is not repeated.
    CHECK(text.rfind("retry: ", 0) == 0);
    CHECK(text.find("id: " + priming_id + "\n") == std::string::npos);
    auto msgs = sse_messages(text);
    REQUIRE(msgs.size() == 3);
    CHECK(msgs[0]["params"]["progressToken"].GetInt() == 5);
    CHECK(msgs[2]["id"].GetInt() == 7);
    CHECK(msgs[2]["result"]["structuredContent"]["total"].GetInt() == 2);

    // Resuming after the last event replays nothing; an id from nowhere is refused.
    auto bad = s.send(
        "GET", "/mcp", "",
        {{"mcp-session-id", sid}, {"last-event-id", "999-1"}, {"accept", "text/event-stream"}});
    CHECK(bad.status == 400);
    // A known stream with a sequence number never issued is not an event either.
    const std::string stream_of_post = priming_id.substr(0, priming_id.find('-'));
    for (const std::string& never : {stream_of_post + "-999999", stream_of_post + "-0"}) {
      auto future = s.send(
          "GET", "/mcp", "",
          {{"mcp-session-id", sid}, {"last-event-id", never}, {"accept", "text/event-stream"}});
      CHECK_MESSAGE(future.status == 400, never);
      CHECK(body_of(future.body)["error"]["code"].GetInt() == -32600);
    }
  }

  TEST_CASE("batches are bounded: in messages, and in answer bytes (the rest is not run)") {
    shopmcp::transport::DoorLimits limits;
    limits.max_batch_messages = 4;
    limits.max_batch_answer_bytes = 3000;
    McpStack s({}, {}, {}, limits);
    const std::string sid = s.initialize("2025-03-26");
    std::string five = "[";
    for (int i = 1; i <= 5; ++i) {
      five += std::string(i > 1 ? "," : "") + R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
              R"(,"method":"ping"})";
    }
    five += "]";
    auto refused = s.rpc(sid, five);
    CHECK(refused.status == 400);
    CHECK(body_of(refused.body)["error"]["code"].GetInt() == -32600);
    CHECK(str(body_of(refused.body)["error"]["message"]).find("at most 4 messages") !=
          std::string::npos);
    // tools/list answers are several KB: the first is run, the requests after it are not; the
    // notification in between is still taken.
    auto big = s.rpc(
        sid,
        R"([{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":3,"method":"ping"}])");
    REQUIRE(big.status == 200);
    auto answers = body_of(big.body);
    REQUIRE(answers.Size() == 3);
    CHECK(answers[0]["result"]["tools"].Size() == 5);
    CHECK(answers[1]["id"].GetInt() == 2);
    CHECK(answers[1]["error"]["code"].GetInt() == -32000);
    CHECK(str(answers[1]["error"]["message"]).find("send it again") != std::string::npos);
    CHECK(answers[2]["id"].GetInt() == 3);
    CHECK(answers[2]["error"]["code"].GetInt() == -32000);
  }

  TEST_CASE("batches: answered for 2025-03-26 sessions, refused with -32600 for later ones") {
    McpStack s;
    const std::string old = s.initialize("2025-03-26");
    auto b = s.rpc(
        old,
        R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}])");
    CHECK(b.status == 200);
    auto arr = body_of(b.body);
    REQUIRE(arr.IsArray());
    CHECK(arr.Size() == 2);
    CHECK(arr[1]["result"]["tools"].Size() == 5);
    CHECK(s.rpc(old, R"([{"jsonrpc":"2.0","method":"notifications/initialized"}])").status == 202);
    const std::string now = s.initialize("2025-11-25");
    auto refused = s.rpc(now, R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
    CHECK(refused.status == 400);
    CHECK(body_of(refused.body)["error"]["code"].GetInt() == -32600);
  }

  TEST_CASE("2026-07-28: stateless, Mcp-Method and Mcp-Name checked, GET and DELETE 405") {
    McpStack s;
    const std::map<std::string, std::string> h = {{"mcp-protocol-version", "2026-07-28"},
                                                  {"mcp-method", "tools/list"}};
    auto list = s.send("POST", "/mcp", kListTools, h);
    CHECK(list.status == 200);
    CHECK_FALSE(list.header("Mcp-Session-Id").has_value());
    CHECK(s.sessions->size() == 0);
    auto ignored = h;
    ignored["mcp-session-id"] = "whatever";
    CHECK(s.send("POST", "/mcp", kListTools, ignored).status == 200);

    auto missing = s.send("POST", "/mcp", kListTools, {{"mcp-protocol-version", "2026-07-28"}});
    CHECK(missing.status == 400);
    CHECK(body_of(missing.body)["error"]["code"].GetInt() == -32020);
    auto wrong = s.send("POST", "/mcp", kListTools,
                        {{"mcp-protocol-version", "2026-07-28"}, {"mcp-method", "ping"}});
    CHECK(wrong.status == 400);

    const char* call =
        R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":1}}})";
    std::map<std::string, std::string> ch = {{"mcp-protocol-version", "2026-07-28"},
                                             {"mcp-method", "tools/call"}};
    CHECK(s.send("POST", "/mcp", call, ch).status == 400);  // no Mcp-Name
    ch["mcp-name"] = "get_orders";
    CHECK(s.send("POST", "/mcp", call, ch).status == 400);
    ch["mcp-name"] = "get_products";
    CHECK(s.send("POST", "/mcp", call, ch).status == 200);
    ch["mcp-name"] = "=?base64?Z2V0X3Byb2R1Y3Rz?=";  // "get_products"
    CHECK(s.send("POST", "/mcp", call, ch).status == 200);
    ch["mcp-name"] = "=?base64?Z2V0X3Byb2R1Y3Rz?junk?=";
    auto bad64 = s.send("POST", "/mcp", call, ch);
    CHECK(bad64.status == 400);
    CHECK(body_of(bad64.body)["error"]["code"].GetInt() == -32020);
    CHECK(str(body_of(bad64.body)["error"]["message"]).find("not valid base64") !=
          std::string::npos);

    auto unknown = s.send("POST", "/mcp", R"({"jsonrpc":"2.0","id":3,"method":"x/y"})",
                          {{"mcp-protocol-version", "2026-07-28"}, {"mcp-method", "x/y"}});
    CHECK(unknown.status == 404);
    CHECK(body_of(unknown.body)["error"]["code"].GetInt() == -32601);
    auto discover =
        s.send("POST", "/mcp", R"({"jsonrpc":"2.0","id":4,"method":"server/discover"})",
               {{"mcp-protocol-version", "2026-07-28"}, {"mcp-method", "server/discover"}});
    CHECK(str(body_of(discover.body)["result"]["supportedVersions"][0]) == "2026-07-28");
    CHECK(s.send("GET", "/mcp", "", {{"mcp-protocol-version", "2026-07-28"}}).status == 405);
    CHECK(s.send("DELETE", "/mcp", "", {{"mcp-protocol-version", "2026-07-28"}}).status == 405);
  }

  TEST_CASE("2026-07-28: a malformed envelope is refused as such, never echoed by a header check") {
    McpStack s;
    for (const char* body : {R"({"jsonrpc":"2.0","id":1.5,"method":"x/y"})",
                             R"({"jsonrpc":"2.0","id":{"a":1},"method":"x/y"})",
                             R"({"jsonrpc":"1.0","id":1,"method":"x/y"})"}) {
      auto r = s.send("POST", "/mcp", body,
                      {{"mcp-protocol-version", "2026-07-28"}, {"mcp-method", "other"}});
      auto d = body_of(r.body);
      CHECK_MESSAGE(d["error"]["code"].GetInt() == -32600, body);
      CHECK_MESSAGE((d["id"].IsNull() || d["id"].IsInt()), body);
    }
  }

  TEST_CASE("2026-07-28: closing the response stream cancels the call") {
    std::atomic<bool> saw_cancel{false};
    McpStack c({}, [&](shopmcp::mcp::ToolRegistry& tools) {
      shopmcp::mcp::Tool t;
      t.name = "slow";
      t.description = "reports progress until cancelled";
      t.input_schema = body_of(R"({"type":"object"})");
      t.handler = [&](const rapidjson::Value&, shopmcp::mcp::ToolContext& ctx) {
        for (int i = 0; i < 400 && !ctx.cancelled(); ++i) {
          ctx.progress(i, std::nullopt, "");
          std::this_thread::sleep_for(5ms);
        }
        saw_cancel = ctx.cancelled();
        return shopmcp::mcp::ToolResult::error("stopped");
      };
      tools.add(std::move(t));
    });
    StreamCatch up;
    std::thread call([&] {
      c.send(
          "POST", "/mcp",
          R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","_meta":{"progressToken":1}}})",
          {{"mcp-protocol-version", "2026-07-28"},
           {"mcp-method", "tools/call"},
           {"mcp-name", "slow"}},
          &up);
    });
    for (int i = 0; i < 200 && !up.used; ++i) std::this_thread::sleep_for(5ms);
    REQUIRE(up.used);
    read_until(c, up.client, "progress");
    ::close(up.client.fd);
    up.client.fd = -1;
    for (int i = 0; i < 200 && !saw_cancel; ++i) {
      c.pump(1);
      std::this_thread::sleep_for(5ms);
    }
    call.join();
    CHECK(saw_cancel);
  }

  TEST_CASE(
      "sampling from a tool: the request goes out on the call's stream, the POSTed answer "
      "returns") {
    McpStack s({}, add_ask_tool);
    const std::string sid = s.initialize("2025-11-25", R"({"sampling":{}})");
    StreamCatch up;
    std::thread call([&] {
      s.rpc(sid,
            R"({"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"ask_model"}})",
            &up);
    });
    for (int i = 0; i < 200 && !up.used; ++i) std::this_thread::sleep_for(5ms);
    REQUIRE(up.used);
    const std::string text = read_until(s, up.client, "sampling/createMessage");
    auto msgs = sse_messages(text);
    REQUIRE(msgs.size() == 1);
    const std::string id = str(msgs[0]["id"]);
    CHECK(id.rfind("srv-", 0) == 0);  // never one of the client's ids
    auto answer = s.rpc(
        sid,
        R"({"jsonrpc":"2.0","id":")" + id +
            R"(","result":{"role":"assistant","content":{"type":"text","text":"hello from the model"},"model":"m"}})");
    CHECK(answer.status == 202);
    call.join();
    const std::string rest = read_until(s, up.client, "\"id\":\"c1\"");
    auto result = sse_messages(rest);
    REQUIRE(result.size() == 1);
    CHECK(str(result[0]["result"]["content"][0]["text"]) == "hello from the model");
  }

  TEST_CASE("sampling needs the client's capability; notifications/cancelled stops the wait") {
    McpStack s({}, add_ask_tool);
    const std::string plain = s.initialize();
    auto r = s.rpc(
        plain, R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask_model"}})");
    CHECK(str(body_of(r.body)["result"]["content"][0]["text"]).find("'sampling' capability") !=
          std::string::npos);

    const std::string sid = s.initialize("2025-11-25", R"({"sampling":{}})");
    StreamCatch up;
    std::thread call([&] {
      s.rpc(sid, R"({"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"ask_model"}})",
            &up);
    });
    for (int i = 0; i < 200 && !up.used; ++i) std::this_thread::sleep_for(5ms);
    REQUIRE(up.used);
    read_until(s, up.client, "sampling/createMessage");
    const auto start = std::chrono::steady_clock::now();
    CHECK(s.rpc(sid,
                R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":42}})")
              .status == 202);
    call.join();
    CHECK(std::chrono::steady_clock::now() - start < 2s);  // not the 5 s timeout
  }

  TEST_CASE("idle sessions expire; at the cap the least recently used idle one is reclaimed") {
    shopmcp::session::SessionOptions o;
    o.idle_timeout = 60s;
    o.max_sessions = 2;
    McpStack s(o);
    const std::string a = s.initialize();
    s.clock.advance(10s);
    const std::string b = s.initialize();
    s.clock.advance(10s);
    const std::string c = s.initialize();  // reclaims a
    CHECK(s.sessions->size() == 2);
    CHECK(s.rpc(a, kListTools).status == 404);
    CHECK(s.rpc(b, kListTools).status == 200);
    CHECK(s.metrics.sessions_ended.with({"reclaimed"}).value() == 1);

    // Sessions with an open stream are not reclaimed: the cap answers 503.
    auto gb = s.send("GET", "/mcp", "", {{"mcp-session-id", b}, {"accept", "text/event-stream"}});
    auto pb = take_stream(gb);
    auto gc = s.send("GET", "/mcp", "", {{"mcp-session-id", c}, {"accept", "text/event-stream"}});
    auto pc = take_stream(gc);
    s.pump();
    auto full = s.send(
        "POST", "/mcp",
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
    CHECK(full.status == 503);
    CHECK(full.header("Retry-After").has_value());

    // Streams gone and time passed: both expire.
    ::close(pb->fd);
    pb->fd = -1;
    ::close(pc->fd);
    pc->fd = -1;
    s.pump();
    CHECK(s.sessions->expire_idle() == 0);
    s.clock.advance(61s);
    CHECK(s.sessions->expire_idle() == 2);
    CHECK(s.sessions->size() == 0);
    CHECK(s.metrics.sessions_open.value() == 0);
    CHECK(s.sessions->all().empty());
  }
}

TEST_SUITE("transport.legacy_sse") {
  TEST_CASE("GET /mcp/sse names the endpoint; POST there gets 202 and the answer on the stream") {
    McpStack s;
    auto g = s.send("GET", "/mcp/sse", "", {{"accept", "text/event-stream"}});
    REQUIRE(g.status == 200);
    const std::string prefix = "event: endpoint\ndata: /mcp/messages?sessionId=";
    REQUIRE(g.body.rfind(prefix, 0) == 0);
    const std::string sid = g.body.substr(prefix.size(), 32);
    auto peer = take_stream(g);
    s.pump();

    auto post = s.send("POST", ("/mcp/messages?sessionId=" + sid).c_str(), kListTools);
    CHECK(post.status == 202);
    CHECK(post.body.empty());
    REQUIRE(static_cast<bool>(post.after));
    post.after();  // what the worker runs after the 202
    const std::string text = read_until(s, *peer, "\"id\":1");
    CHECK(text.find("event: message\n") != std::string::npos);
    auto msgs = sse_messages(text);
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0]["result"]["tools"].Size() == 5);

    // A cancellation naming nothing, even without params, is simply accepted.
    CHECK(s.send("POST", ("/mcp/messages?sessionId=" + sid).c_str(),
                 R"({"jsonrpc":"2.0","method":"notifications/cancelled"})")
              .status == 202);
    CHECK(s.send("POST", "/mcp/messages?sessionId=nope", kListTools).status == 404);
    CHECK(s.send("POST", "/mcp/messages", kListTools).status == 400);
    // The legacy id is not a Streamable HTTP session.
    CHECK(s.rpc(sid, kListTools).status == 404);

    // The session lives as long as its stream.
    ::close(peer->fd);
    peer->fd = -1;
    s.pump();
    CHECK(s.sessions->size() == 0);
    CHECK(s.send("POST", ("/mcp/messages?sessionId=" + sid).c_str(), kListTools).status == 404);
  }
}
