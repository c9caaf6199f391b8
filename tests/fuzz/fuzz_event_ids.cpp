// fuzz_event_ids: Last-Event-ID and session ids, through the doors that read them. Each input
// builds a session's history (streams opened, primed, sent on, ended: a model here follows it),
// then resumes with GET /mcp (Mcp-Session-Id, Last-Event-ID, Accept, MCP-Protocol-Version: an
// issued id, a near miss or anything), and posts to a legacy session (POST /mcp/messages with a
// sessionId in any encoding among other parameters). Properties: the door answers as the model
// says (400 for an id this session did not issue, 404 for another session's id, 200 otherwise);
// a resume replays exactly the events of that stream after that id, in order and byte for byte,
// then ends the connection when the stream had ended; a resume starts with the retry hint alone (no
// id repeated); nothing is left open once the sessions end.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_stack.h"
#include "fuzz_support.h"
#include "json/json.h"
#include "mcp/versions.h"
#include "session/session.h"
#include "sse/frame.h"
#include "transport/jsonrpc_http.h"

namespace {

namespace http = shopmcp::http;
namespace json = shopmcp::json;
namespace session = shopmcp::session;
namespace sse = shopmcp::sse;
using shopmcp::fuzz::printable;

shopmcp::fuzz::Stack& stack() {
  static auto* s = new shopmcp::fuzz::Stack(shopmcp::fuzz::StackOptions{});
  return *s;
}

// The session as the server should see it.
struct Logged {
  std::uint64_t seq;
  std::string frame;
  bool last;
};
struct StreamModel {
  bool ended = false;
  std::vector<Logged> events;
};
struct Model {
  std::map<std::uint64_t, StreamModel> streams;
  std::uint64_t next_stream = 1;
  std::uint64_t next_seq = 1;
  std::vector<std::string> issued;  // every event id the session handed out
};

// "STREAM-SEQ", both decimal and within 64 bits (leading zeros allowed), else nullopt.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_event_id(std::string_view s) {
  const auto dash = s.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::uint64_t parts[2] = {0, 0};
  const std::string_view texts[2] = {s.substr(0, dash), s.substr(dash + 1)};
  for (int i = 0; i < 2; ++i) {
    if (texts[i].empty()) return std::nullopt;
    for (char c : texts[i]) {
      if (c < '0' || c > '9') return std::nullopt;
      const auto d = static_cast<std::uint64_t>(c - '0');
      if (parts[i] > (UINT64_MAX - d) / 10) return std::nullopt;
      parts[i] = parts[i] * 10 + d;
    }
  }
  return std::make_pair(parts[0], parts[1]);
}

std::uint64_t pick_stream(FuzzedDataProvider& in, const Model& m) {
  if (m.streams.empty()) return in.ConsumeIntegralInRange<std::uint64_t>(0, 3);
  auto it = m.streams.begin();
  std::advance(it, in.ConsumeIntegralInRange<std::size_t>(0, m.streams.size() - 1));
  return it->first;
}

// Builds the session's history from the input, keeping the model in step.
void build_history(FuzzedDataProvider& in, session::Session& s, Model& m) {
  const int ops = in.ConsumeIntegralInRange(0, 24);
  for (int i = 0; i < ops && in.remaining_bytes() > 0; ++i) {
    switch (in.ConsumeIntegralInRange(0, 3)) {
      case 0: {
        const std::uint64_t n = s.open_stream();
        MCP_FUZZ_CHECK(n == m.next_stream);
        m.next_stream++;
        m.streams[n];
        break;
      }
      case 1: {
        const std::uint64_t stream = pick_stream(in, m);
        const std::string frame = s.priming_frame(stream);
        const std::string id = std::to_string(stream) + "-" + std::to_string(m.next_seq++);
        MCP_FUZZ_CHECK_MSG(frame == sse::priming(id, 2000), printable(frame));
        m.issued.push_back(id);
        break;
      }
      case 2: {
        const std::uint64_t stream = pick_stream(in, m);
        const bool last = in.ConsumeBool();
        rapidjson::Document msg(rapidjson::kObjectType);
        auto& a = msg.GetAllocator();
        msg.AddMember("jsonrpc", "2.0", a);
        msg.AddMember("method", "notifications/message", a);
        rapidjson::Value params(rapidjson::kObjectType);
        params.AddMember("data", json::str(in.ConsumeRandomLengthString(24), a), a);
        msg.AddMember("params", params, a);
        s.send(stream, msg, last);
        auto it = m.streams.find(stream);
        if (it == m.streams.end() || it->second.ended) break;  // nothing may follow a last event
        const std::uint64_t seq = m.next_seq++;
        const std::string id = std::to_string(stream) + "-" + std::to_string(seq);
        it->second.events.push_back(Logged{seq, sse::event("", json::to_string(msg), id), last});
        it->second.ended = last;
        m.issued.push_back(id);
        break;
      }
      default: {
        const std::uint64_t stream = pick_stream(in, m);
        s.end_stream(stream);
        if (auto it = m.streams.find(stream); it != m.streams.end()) it->second.ended = true;
      }
    }
  }
}

// A Last-Event-ID: one the session issued, one near it, anything, or none.
std::optional<std::string> last_event_id(FuzzedDataProvider& in, const Model& m) {
  switch (in.ConsumeIntegralInRange(0, 4)) {
    case 0:
      if (m.issued.empty()) return std::string("1-1");
      return m.issued[in.ConsumeIntegralInRange<std::size_t>(0, m.issued.size() - 1)];
    case 1: {
      static constexpr const char* kForms[] = {
          "%llu-%llu",  "0%llu-%llu", "%llu-0%llu", "+%llu-%llu",  "%llu-+%llu", " %llu-%llu",
          "%llu-%llu ", "%llu--%llu", "%llu_%llu",  "%llu-%llu-1", "-%llu-%llu", "%llu-%llu\t"};
      const char* form = kForms[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kForms) - 1)];
      const auto stream = in.ConsumeIntegralInRange<unsigned long long>(0, m.next_stream + 1);
      const auto seq = in.ConsumeBool()
                           ? in.ConsumeIntegral<unsigned long long>()
                           : in.ConsumeIntegralInRange<unsigned long long>(0, m.next_seq + 1);
      char buf[96];
      std::snprintf(buf, sizeof buf, form, stream, seq);
      return std::string(buf);
    }
    case 2:
      return in.ConsumeRandomLengthString(48);
    case 3:
      return std::string();
    default:
      return std::nullopt;
  }
}

void check_resume(FuzzedDataProvider& in) {
  auto& st = stack();
  static constexpr const char* kVersions[] = {"2025-03-26", "2025-06-18", "2025-11-25"};
  auto created = st.sessions->create(
      session::SessionKind::kStreamable,
      kVersions[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kVersions) - 1)]);
  MCP_FUZZ_CHECK(created.has_value());
  const std::shared_ptr<session::Session> s = *created;
  Model m;
  build_history(in, *s, m);

  http::Request r;
  r.method = "GET";
  r.path = "/mcp";
  r.headers["host"] = "localhost";
  r.id = "fuzz";
  // Mcp-Session-Id: the session's, a near miss, anything, or none.
  switch (in.ConsumeIntegralInRange(0, 4)) {
    case 0:
    case 1:
      r.headers["mcp-session-id"] = s->id();
      break;
    case 2: {
      std::string id = s->id();
      const auto at = in.ConsumeIntegralInRange<std::size_t>(0, id.size() - 1);
      id[at] = in.ConsumeIntegral<char>();
      r.headers["mcp-session-id"] = in.ConsumeBool() ? id : id + in.ConsumeRandomLengthString(4);
      break;
    }
    case 3:
      r.headers["mcp-session-id"] = in.ConsumeRandomLengthString(40);
      break;
    default:
      break;
  }
  const auto last = last_event_id(in, m);
  if (last) r.headers["last-event-id"] = *last;
  if (in.ConsumeBool()) r.headers["accept"] = in.ConsumeRandomLengthString(40);
  if (in.ConsumeBool()) r.headers["mcp-protocol-version"] = in.ConsumeRandomLengthString(12);

  shopmcp::fuzz::FuzzExchange ex;
  st.router.route(r, ex);
  st.pump();
  const http::Response& answer = ex.head ? *ex.head : ex.response;
  shopmcp::fuzz::check_response(answer);

  // What the door must answer.
  const std::string where = "session " + s->id() + " Mcp-Session-Id " +
                            printable(r.header("mcp-session-id").value_or("(none)")) +
                            " Last-Event-ID " + printable(last.value_or("(none)")) + " got " +
                            std::to_string(answer.status) + " " + printable(answer.body);
  const auto version = r.header("mcp-protocol-version");
  int expect = 200;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> resume;
  if (version && !shopmcp::mcp::is_supported_version(*version)) {
    expect = 400;
  } else if (version && *version == shopmcp::mcp::kStatelessProtocolVersion) {
    expect = 405;
  } else if (!shopmcp::transport::parse_accept(r.header("accept")).sse) {
    expect = 406;
  } else if (r.header("mcp-session-id").value_or("").empty()) {
    expect = 400;
  } else if (*r.header("mcp-session-id") != s->id()) {
    expect = 404;
  } else if (last && !last->empty()) {
    resume = parse_event_id(*last);
    if (!resume || m.streams.count(resume->first) == 0 || resume->second == 0 ||
        resume->second >= m.next_seq) {
      expect = 400;
      resume.reset();
    }
  }
  MCP_FUZZ_CHECK_MSG(answer.status == expect, where);
  MCP_FUZZ_CHECK_MSG(ex.head.has_value() == (expect == 200), where);
  if (expect != 200) return;
  MCP_FUZZ_CHECK_MSG(answer.header("mcp-session-id") == s->id(), where);

  // What the stream must carry: the priming event (on a resume only the retry hint: ids are never
  // repeated), then (on a resume) the stream's events after the id, and its end when the stream
  // has ended.
  std::string expected;
  bool ends = false;
  if (resume) {
    expected = sse::retry(2000);
    const StreamModel& sm = m.streams[resume->first];
    bool ended_in_replay = false;
    for (const Logged& e : sm.events) {
      if (e.seq <= resume->second) continue;
      expected += e.frame;
      ended_in_replay = ended_in_replay || e.last;
    }
    ends = sm.ended || ended_in_replay;
  } else {
    expected = sse::priming(std::to_string(m.next_stream) + "-" + std::to_string(m.next_seq), 2000);
  }
  MCP_FUZZ_CHECK_MSG(ex.stream->bytes == expected,
                     where + "\n  stream: " + printable(ex.stream->bytes) +
                         "\n  expected: " + printable(expected));
  MCP_FUZZ_CHECK_MSG(ex.stream->finishes == (ends ? 1 : 0), where);
}

// POST /mcp/messages?...sessionId=... for a legacy session opened with GET /mcp/sse.
void check_legacy(FuzzedDataProvider& in) {
  auto& st = stack();
  http::Request open;
  open.method = "GET";
  open.path = "/mcp/sse";
  open.headers["host"] = "127.0.0.1:8080";
  open.headers["accept"] = "text/event-stream";
  open.id = "fuzz";
  shopmcp::fuzz::FuzzExchange ex;
  st.router.route(open, ex);
  MCP_FUZZ_CHECK(ex.head.has_value());
  st.pump();
  const auto events = shopmcp::fuzz::parse_sse(ex.stream->bytes);
  MCP_FUZZ_CHECK_MSG(events.events.size() == 1 && events.events[0].type == "endpoint",
                     printable(ex.stream->bytes));
  const std::string endpoint = events.events[0].data;
  const std::string prefix = "/mcp/messages?sessionId=";
  MCP_FUZZ_CHECK_MSG(endpoint.rfind(prefix, 0) == 0, endpoint);
  const std::string id = endpoint.substr(prefix.size());
  MCP_FUZZ_CHECK_MSG(
      id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos, endpoint);

  // The query: parameters before and after, the session id in some encoding (or not at all).
  struct Param {
    std::string name, value;  // decoded
    std::string text;         // as sent
  };
  std::vector<Param> params;
  const int n = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < n; ++i) {
    Param p;
    switch (in.ConsumeIntegralInRange(0, 3)) {
      case 0: {  // the id, each character sent as it is or as %XX
        static constexpr char kHex[] = "0123456789ABCDEF";
        p.name = "sessionId";
        p.value =
            in.ConsumeBool() ? id : id.substr(0, in.ConsumeIntegralInRange<std::size_t>(0, 31));
        const auto mask = in.ConsumeIntegral<std::uint32_t>();
        p.text = in.ConsumeBool() ? "sessionId=" : "session%49d=";
        for (std::size_t k = 0; k < p.value.size(); ++k) {
          const auto c = static_cast<unsigned char>(p.value[k]);
          if ((mask >> k) & 1) {
            p.text += {'%', kHex[c >> 4], kHex[c & 15]};
          } else {
            p.text += p.value[k];
          }
        }
        break;
      }
      case 1:  // another parameter
        p.name = "x";
        p.value = "1 2";
        p.text = "x=1+2";
        break;
      case 2:  // anything: counted as a session id only when it decodes to that name
        p.text = in.ConsumeRandomLengthString(40);
        p.name = "?";
        break;
      default:  // the name without a value
        p.name = "sessionId";
        p.text = "sessionId";
    }
    params.push_back(std::move(p));
  }
  http::Request post;
  post.method = "POST";
  post.path = "/mcp/messages";
  post.headers["host"] = "localhost";
  post.content_type = "application/json";
  post.body = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
  post.id = "fuzz";
  for (const Param& p : params) post.query += (post.query.empty() ? "" : "&") + p.text;
  // The first parameter named sessionId is the one read; a parameter of anything is decoded as
  // the server decodes it (http::Request::query_param, checked by fuzz_http_request).
  std::optional<std::string> sent;
  for (const Param& p : params) {
    if (p.name == "?") {
      http::Request one;
      one.query = p.text;
      if (auto v = one.query_param("sessionId")) {
        sent = v;
        break;
      }
      continue;
    }
    if (p.name == "sessionId") {
      sent = p.value;
      break;
    }
  }
  shopmcp::fuzz::FuzzExchange answer;
  st.router.route(post, answer);
  shopmcp::fuzz::check_response(answer.response);
  const int expect = !sent || sent->empty() ? 400 : *sent == id ? 202 : 404;
  MCP_FUZZ_CHECK_MSG(answer.response.status == expect, "query " + printable(post.query) +
                                                           " session " + id + " got " +
                                                           std::to_string(answer.response.status));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  shopmcp::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider in(bytes, size);
  if (in.ConsumeBool()) {
    check_legacy(in);
  } else {
    check_resume(in);
  }
  stack().reset();
  return 0;
}
