// What the fuzz targets share: MCP_FUZZ_CHECK (a property that failed is a finding: print and
// abort), quiet logging, a fake clock, an http::Exchange and sse::Sink that capture what the server
// sends, an SSE parser that follows the WHATWG event-stream algorithm, and checks every HTTP answer
// must pass. Not thread-safe: a fuzz target runs one input at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/text.h"
#include "http/exchange.h"
#include "http/request.h"
#include "json/json.h"
#include "log/log.h"
#include "sse/sink.h"

namespace shopmcp::fuzz {

// `s` with bytes outside printable ASCII as \xNN, at most `max` bytes of it, for failure messages.
inline std::string printable(std::string_view s, std::size_t max = 600) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

[[noreturn]] inline void check_failed(const char* expr, const char* file, int line,
                                      std::string_view detail) {
  std::fprintf(stderr, "MCP_FUZZ_CHECK failed: %s at %s:%d\n", expr, file, line);
  // `detail` is already printable where it quotes input; only control bytes are escaped here.
  std::string text;
  for (char c : detail.substr(0, 6000)) {
    const auto u = static_cast<unsigned char>(c);
    text += (u < 0x20 && c != '\n') || u == 0x7f ? printable(std::string_view(&c, 1))
                                                 : std::string(1, c);
  }
  if (!detail.empty()) std::fprintf(stderr, "  %s\n", text.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace shopmcp::fuzz

// A property of the code under test: when it does not hold, the input is a finding (abort, so
// libFuzzer saves it as a crash-* file).
#define MCP_FUZZ_CHECK(cond)                                                   \
  do {                                                                         \
    if (!(cond)) ::shopmcp::fuzz::check_failed(#cond, __FILE__, __LINE__, ""); \
  } while (false)
// The same, with text that helps reading the failure (bytes outside ASCII are escaped).
#define MCP_FUZZ_CHECK_MSG(cond, detail)                                           \
  do {                                                                             \
    if (!(cond)) ::shopmcp::fuzz::check_failed(#cond, __FILE__, __LINE__, detail); \
  } while (false)

namespace shopmcp::fuzz {

// Logging off: the targets run millions of inputs, and a finding is an abort, not a log line.
inline void quiet_logging() { log::setup("off", "text"); }

class FakeClock final : public core::Clock {
 public:
  std::int64_t unix_seconds() const override { return 1767225600 + ms_.load() / 1000; }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(1000000 + ms_.load()));
  }
  void advance(std::chrono::milliseconds d) { ms_ += d.count(); }

 private:
  std::atomic<std::int64_t> ms_{0};
};

// What a stream handed to the hub received: the head's body, then every frame the hub wrote.
struct Captured {
  std::string bytes;
  int finishes = 0;
};

// A Sink with no socket (the hub watches none) that keeps everything written to it.
class CaptureSink final : public sse::Sink {
 public:
  explicit CaptureSink(std::shared_ptr<Captured> c) : c_(std::move(c)) {}
  int write(std::string_view data) override {
    MCP_FUZZ_CHECK_MSG(c_->finishes == 0, "a write after finish");
    c_->bytes.append(data);
    return 0;
  }
  int fd() const override { return -1; }
  void finish() override { ++c_->finishes; }

 private:
  std::shared_ptr<Captured> c_;
};

// Records the plain answer, or the head of a stream (whose connection becomes a CaptureSink).
class FuzzExchange final : public http::Exchange {
 public:
  int sends = 0;
  http::Response response;             // what send() wrote
  std::optional<http::Response> head;  // set when a stream started
  std::shared_ptr<Captured> stream;    // the stream's bytes, head.body first

 private:
  void send(const http::Response& r) override {
    ++sends;
    response = r;
  }
  std::unique_ptr<sse::Sink> detach(const http::Response& h) override {
    MCP_FUZZ_CHECK_MSG(!head.has_value(), "a second stream for one request");
    head = h;
    stream = std::make_shared<Captured>();
    stream->bytes = h.body;
    return std::make_unique<CaptureSink>(stream);
  }
};

// One event as a client dispatches it (WHATWG HTML, "event stream interpretation").
struct SseEvent {
  std::string type;  // "" = "message"
  std::string data;
  std::string last_event_id;
};

// An event stream as a client reads it: the events dispatched, and what else it met on the way.
struct SseParse {
  std::vector<SseEvent> events;
  std::vector<std::string> unknown_fields;  // field names other than event, data, id, retry
  int comments = 0;
  int ids = 0;                        // id fields seen
  std::optional<std::int64_t> retry;  // the last valid retry field
  int ignored_retry = 0;              // retry fields that were not all digits
  bool pending = false;               // fields after the last blank line (an incomplete event)
  std::size_t empty_dispatches = 0;   // blank lines that dispatched nothing
};

// Lines end at CRLF, a lone CR or a lone LF; a blank line dispatches; ':' starts a comment; one
// space after the colon is not part of the value; an id containing NUL is ignored.
inline SseParse parse_sse(std::string_view text) {
  SseParse p;
  std::string type, data, last_id;
  bool has_data = false;
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // a leading BOM is skipped
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size() && text[end] != '\r' && text[end] != '\n') ++end;
    if (end == text.size()) {  // no line terminator: the stream ended inside a line
      p.pending = true;
      break;
    }
    const std::string_view line = text.substr(i, end - i);
    i = end + 1;
    if (text[end] == '\r' && i < text.size() && text[i] == '\n') ++i;
    if (line.empty()) {
      if (has_data) {
        if (!data.empty() && data.back() == '\n') data.pop_back();
        p.events.push_back(SseEvent{type, data, last_id});
      } else {
        ++p.empty_dispatches;
      }
      type.clear();
      data.clear();
      has_data = false;
      p.pending = false;
      continue;
    }
    p.pending = true;
    if (line[0] == ':') {
      ++p.comments;
      continue;
    }
    const std::size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    }
    if (field == "event") {
      type = std::string(value);
    } else if (field == "data") {
      data.append(value);
      data += '\n';
      has_data = true;
    } else if (field == "id") {
      ++p.ids;
      if (value.find('\0') == std::string_view::npos) last_id = std::string(value);
    } else if (field == "retry") {
      bool digits = !value.empty();
      for (char c : value) digits = digits && c >= '0' && c <= '9';
      if (digits && value.size() < 18) {
        p.retry = std::stoll(std::string(value));
      } else {
        ++p.ignored_retry;
      }
    } else {
      p.unknown_fields.emplace_back(field);
    }
  }
  return p;
}

// A header name as HTTP allows it (RFC 9110 token).
inline bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// What every HTTP answer must be, whatever the request: a real status; header names that are
// tokens and values without CR, LF or NUL (no response splitting); a JSON body that parses, is
// valid UTF-8, and (for errors of the JSON-RPC or REST shape) carries an integer code and a
// message.
inline void check_response(const http::Response& r) {
  MCP_FUZZ_CHECK_MSG(r.status >= 100 && r.status <= 599, std::to_string(r.status));
  for (const auto& [name, value] : r.headers) {
    MCP_FUZZ_CHECK_MSG(is_token(name), name);
    MCP_FUZZ_CHECK_MSG(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
                       name + ": " + value);
  }
  const auto type = r.header("content-type");
  if (!type || type->rfind("application/json", 0) != 0) return;
  MCP_FUZZ_CHECK_MSG(core::is_valid_utf8(r.body), r.body);
  auto body = json::parse(r.body);
  MCP_FUZZ_CHECK_MSG(body.has_value(), r.body);
  if (r.status >= 400 && body->IsObject()) {
    auto e = body->FindMember("error");
    MCP_FUZZ_CHECK_MSG(e != body->MemberEnd() && e->value.IsObject(), r.body);
    MCP_FUZZ_CHECK_MSG(e->value.HasMember("code") && e->value["code"].IsInt(), r.body);
    MCP_FUZZ_CHECK_MSG(e->value.HasMember("message") && e->value["message"].IsString(), r.body);
  }
}

}  // namespace shopmcp::fuzz
