// fuzz_sse_frame: sse/frame.h (event, priming, comment) whatever the data, read back with the
// WHATWG event-stream algorithm (fuzz_support.h, parse_sse). Properties: a frame is exactly one
// event, ends with a blank line, carries the given name and id and no other field, and its data
// is the given data with its line breaks as LF; a JSON message (json::str, json::to_string) framed
// the way the sessions frame it reads back as the same JSON, valid UTF-8; a priming event holds the
// id and the retry hint; a comment dispatches nothing; frames in a row stay apart.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "fuzz_support.h"
#include "json/json.h"
#include "sse/frame.h"

namespace {

using shopmcp::fuzz::parse_sse;
using shopmcp::fuzz::printable;
using shopmcp::fuzz::SseParse;
namespace json = shopmcp::json;
namespace sse = shopmcp::sse;

// Event names, ids and comments come from the server, never from a client, and hold no line
// break (the frame functions' callers guarantee it); the fuzzer's bytes are made to fit.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return s;
}

// What a client reads back from data: every line break (CRLF, CR, LF) is one LF.
std::string normalised(std::string_view data) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '\r') {
      if (i + 1 < data.size() && data[i + 1] == '\n') ++i;
      out += '\n';
    } else {
      out += data[i];
    }
  }
  return out;
}

std::string describe(const std::string& frame) { return "frame: " + printable(frame); }

// The frame is exactly one event with `name`, `id` and `data`, and nothing else.
void check_one_event(const std::string& frame, const std::string& name, const std::string& id,
                     const std::string& data) {
  MCP_FUZZ_CHECK_MSG(frame.size() >= 2 && frame.compare(frame.size() - 2, 2, "\n\n") == 0,
                     describe(frame));
  const SseParse p = parse_sse(frame);
  MCP_FUZZ_CHECK_MSG(p.unknown_fields.empty(),
                     "field '" + printable(p.unknown_fields[0]) + "' in " + describe(frame));
  MCP_FUZZ_CHECK_MSG(p.comments == 0 && p.ignored_retry == 0 && !p.retry, describe(frame));
  MCP_FUZZ_CHECK_MSG(!p.pending && p.empty_dispatches == 0, describe(frame));
  MCP_FUZZ_CHECK_MSG(p.events.size() == 1, describe(frame));
  MCP_FUZZ_CHECK_MSG(p.ids == (id.empty() ? 0 : 1), describe(frame));
  const auto& e = p.events[0];
  MCP_FUZZ_CHECK_MSG(e.type == name, describe(frame));
  MCP_FUZZ_CHECK_MSG(e.last_event_id == id, describe(frame));
  MCP_FUZZ_CHECK_MSG(e.data == normalised(data),
                     "data read back: " + printable(e.data) + "\n  " + describe(frame));
}

// A JSON-RPC notification carrying `text`, serialised, framed and read back.
void check_json_message(const std::string& text, const std::string& id) {
  rapidjson::Document msg(rapidjson::kObjectType);
  auto& a = msg.GetAllocator();
  msg.AddMember("jsonrpc", "2.0", a);
  msg.AddMember("method", "notifications/message", a);
  rapidjson::Value params(rapidjson::kObjectType);
  params.AddMember("data", json::str(text, a), a);
  msg.AddMember("params", params, a);
  for (const std::string& serialised : {json::to_string(msg), json::to_pretty_string(msg)}) {
    MCP_FUZZ_CHECK_MSG(shopmcp::core::is_valid_utf8(serialised), serialised);
    const std::string frame = sse::event("", serialised, id);
    check_one_event(frame, "", id, serialised);
    const SseParse p = parse_sse(frame);
    auto back = json::parse(p.events[0].data);
    MCP_FUZZ_CHECK_MSG(back.has_value(), back ? "" : back.error().message + ": " + describe(frame));
    const rapidjson::Value& d = (*back)["params"]["data"];
    MCP_FUZZ_CHECK(d.IsString());
    MCP_FUZZ_CHECK_MSG(
        std::string(d.GetString(), d.GetStringLength()) == shopmcp::core::utf8_valid(text),
        describe(frame));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  shopmcp::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider in(bytes, size);
  const std::string name = one_line(in.ConsumeRandomLengthString(64));
  const std::string id = one_line(in.ConsumeRandomLengthString(64));
  const int retry_ms = in.ConsumeIntegralInRange<int>(0, 1 << 30);
  const std::string data = in.ConsumeRemainingBytesAsString();

  check_json_message(data, id);
  check_one_event(sse::event(name, data, id), name, id, data);

  // Several frames in a row (the data cut at every 0x1E byte) are that many events, in order.
  std::vector<std::string> parts(1);
  for (char c : data) {
    if (c == '\x1e') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  std::string stream = sse::priming(id, retry_ms);
  for (const std::string& part : parts) stream += sse::event(name, part, id);
  stream += sse::comment(one_line(data));
  const SseParse p = parse_sse(stream);
  MCP_FUZZ_CHECK_MSG(p.events.size() == parts.size() + 1, describe(stream));
  MCP_FUZZ_CHECK_MSG(p.retry && *p.retry == retry_ms, describe(stream));
  MCP_FUZZ_CHECK_MSG(p.comments == 1 && p.empty_dispatches == 1 && !p.pending, describe(stream));
  MCP_FUZZ_CHECK_MSG(p.events[0].data.empty() && p.events[0].type.empty(), describe(stream));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    MCP_FUZZ_CHECK_MSG(p.events[i + 1].data == normalised(parts[i]), describe(stream));
    MCP_FUZZ_CHECK_MSG(p.events[i + 1].last_event_id == id, describe(stream));
  }
  return 0;
}
