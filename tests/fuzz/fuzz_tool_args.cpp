// fuzz_tool_args: the arguments of the five shop tools (the input is the arguments' JSON text
// and, in its last byte, which tool), through mcp::ToolRegistry::call as tools/call runs them:
// json::Schema validation against each tool's inputSchema, then the tool's own checks (shop/args:
// dates, ranges, filters; send_excel_email's address, subject and filters) and its query over an
// in-memory store. send_excel_email has a mailer here that keeps the message, so arguments that
// pass go all the way to a rendered e-mail. Properties: arguments the schema refuses never reach
// a tool and get a tool error naming the tool; a successful result is valid against the tool's
// outputSchema and its text is that JSON; every answer serialises as valid UTF-8 JSON; progress
// never goes backwards; shop::check_date accepts exactly the real calendar dates (an independent
// calendar here); a mailed export's headers are the seven expected ones, To is the address given,
// and the Subject reads back as the one given: nothing in the arguments adds a header.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/text.h"
#include "fuzz_stack.h"
#include "fuzz_support.h"
#include "json/json.h"
#include "json/schema.h"
#include "mail/mailer.h"
#include "mcp/tool_registry.h"
#include "mime_checks.h"
#include "shop/args.h"

namespace {

namespace core = shopmcp::core;
namespace json = shopmcp::json;
namespace mcp = shopmcp::mcp;
using shopmcp::fuzz::printable;

constexpr const char* kFrom = "shop@example.com";

// Keeps the last message instead of sending it.
class KeepingMailer final : public shopmcp::mail::Mailer {
 public:
  core::Result<void> send(const std::string& from, const std::string& to,
                          const std::string& message,
                          const shopmcp::mail::SendHooks& hooks) override {
    from_ = from;
    to_ = to;
    message_ = message;
    ++sent_;
    if (hooks.progress) {
      hooks.progress(message.size() / 3, message.size());
      hooks.progress(message.size(), message.size());
    }
    return {};
  }
  int sent_ = 0;
  std::string from_, to_, message_;
};

// Progress that must not go backwards; log messages and questions to the client go nowhere.
class CheckingContext final : public mcp::ToolContext {
 public:
  void progress(double progress, std::optional<double> total, std::string_view) override {
    MCP_FUZZ_CHECK_MSG(progress >= last_,
                       std::to_string(progress) + " after " + std::to_string(last_));
    if (total) MCP_FUZZ_CHECK(progress <= *total);
    last_ = progress;
  }
  void log(mcp::LogLevel, std::string_view, const rapidjson::Value& data) override {
    MCP_FUZZ_CHECK(core::is_valid_utf8(json::to_string(data)));
  }
  bool cancelled() const override { return false; }
  core::Result<rapidjson::Document> ask_client(std::string_view method, rapidjson::Document,
                                               std::chrono::milliseconds) override {
    return core::unavailable(std::string(method) + ": no client here");
  }

 private:
  double last_ = -1;
};

struct Fixture {
  KeepingMailer mailer;
  std::unique_ptr<shopmcp::fuzz::Stack> stack;
  std::vector<std::string> names;
  std::vector<std::unique_ptr<json::Schema>> inputs, outputs;

  Fixture() {
    shopmcp::fuzz::StackOptions o;
    o.mail = shopmcp::shop::MailOptions{&mailer, kFrom, ""};
    stack = std::make_unique<shopmcp::fuzz::Stack>(o);
    rapidjson::Document d(rapidjson::kObjectType);
    const rapidjson::Value list = stack->tools.list(d.GetAllocator());
    for (const auto& t : list.GetArray()) {
      names.emplace_back(t["name"].GetString());
      inputs.push_back(std::make_unique<json::Schema>(t["inputSchema"]));
      outputs.push_back(std::make_unique<json::Schema>(t["outputSchema"]));
    }
    MCP_FUZZ_CHECK(names.size() == 5);
  }
};

Fixture& fixture() {
  static auto* f = new Fixture();
  return *f;
}

// A real date "YYYY-MM-DD" (proleptic Gregorian, years 0001-9999 as core::days_from_civil says),
// said independently.
bool real_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)),
            d = std::stoi(s.substr(8, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// check_date on every string in the arguments (the dates among them, and everything else).
void check_dates(const rapidjson::Value& v) {
  if (v.IsString()) {
    const std::string s(v.GetString(), v.GetStringLength());
    MCP_FUZZ_CHECK_MSG(shopmcp::shop::check_date(s, "d").has_value() == real_date(s), printable(s));
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) check_dates(m.value);
  } else if (v.IsArray() && v.Size() < 64) {
    for (const auto& e : v.GetArray()) check_dates(e);
  }
}

// The message send_excel_email handed to the mailer, for arguments `args`.
void check_mail(const KeepingMailer& m, const rapidjson::Value& args) {
  const std::string where = "message:\n" + printable(m.message_, 3000);
  const std::string email = args["email"].GetString();
  MCP_FUZZ_CHECK_MSG(m.from_ == kFrom && m.to_ == email, where);
  const auto blank = m.message_.find("\r\n\r\n");
  MCP_FUZZ_CHECK_MSG(blank != std::string::npos, where);
  const auto head = shopmcp::fuzz::fields(std::string_view(m.message_).substr(0, blank), where);
  const std::vector<std::string> names = {"From",       "To",           "Subject",     "Date",
                                          "Message-ID", "MIME-Version", "Content-Type"};
  MCP_FUZZ_CHECK_MSG(head.size() == names.size(), where);
  for (std::size_t i = 0; i < names.size(); ++i)
    MCP_FUZZ_CHECK_MSG(head[i].name == names[i], where);
  MCP_FUZZ_CHECK_MSG(head[0].value == kFrom && head[1].value == email, where);
  if (auto s = args.FindMember("subject");
      s != args.MemberEnd() && s->value.GetStringLength() > 0) {
    const std::string subject(s->value.GetString(), s->value.GetStringLength());
    if (head[2].value != subject) {
      MCP_FUZZ_CHECK_MSG(shopmcp::fuzz::decode_words(head[2].value, true) == subject, where);
    }
  }
  // The body: only CRLF line breaks, base64 and the boundaries; no line the arguments wrote.
  for (std::size_t i = 0; i < m.message_.size(); ++i) {
    if (m.message_[i] == '\n') MCP_FUZZ_CHECK_MSG(i > 0 && m.message_[i - 1] == '\r', where);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  shopmcp::fuzz::quiet_logging();
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  auto& f = fixture();
  FuzzedDataProvider in(bytes, size);
  const auto tool = in.ConsumeIntegralInRange<std::size_t>(0, f.names.size() - 1);
  const std::string text = in.ConsumeRemainingBytesAsString();
  auto parsed = json::parse(text);
  if (!parsed) return 0;
  check_dates(*parsed);

  // As tools/call reads them: {name, arguments}; arguments must be an object or null.
  rapidjson::Document params(rapidjson::kObjectType);
  params.AddMember("name", json::str(f.names[tool], params.GetAllocator()), params.GetAllocator());
  params.AddMember("arguments", rapidjson::Value(*parsed, params.GetAllocator()),
                   params.GetAllocator());
  auto call = mcp::read_tool_call(params);
  MCP_FUZZ_CHECK(call.has_value() == (parsed->IsObject() || parsed->IsNull()));
  if (!call) return 0;

  // What the schema says, independently of the registry.
  rapidjson::Document args;
  if (parsed->IsNull()) {
    args.SetObject();
  } else {
    args.CopyFrom(*parsed, args.GetAllocator());
  }
  json::whole_doubles_to_integers(args);
  const bool valid = f.inputs[tool]->validate(args).has_value();

  const int sent_before = f.mailer.sent_;
  CheckingContext ctx;
  auto r = f.stack->tools.call(call->name, call->arguments, ctx);
  MCP_FUZZ_CHECK(r.has_value());
  const std::string where =
      f.names[tool] + " " + printable(text) + "\n  answer: " + printable(r->text, 1000);
  if (!valid) {
    MCP_FUZZ_CHECK_MSG(
        r->is_error && r->text.rfind("Invalid arguments for " + f.names[tool] + ": ", 0) == 0,
        where);
    MCP_FUZZ_CHECK_MSG(f.mailer.sent_ == sent_before, where);
  }
  if (!r->is_error) {
    MCP_FUZZ_CHECK_MSG(valid && r->structured.has_value(), where);
    auto ok = f.outputs[tool]->validate(*r->structured);
    MCP_FUZZ_CHECK_MSG(ok.has_value(), where + "\n  " + (ok ? "" : ok.error().message));
    MCP_FUZZ_CHECK_MSG(r->text == json::to_pretty_string(*r->structured), where);
    if (f.names[tool] == "send_excel_email") {
      MCP_FUZZ_CHECK_MSG(f.mailer.sent_ == sent_before + 1, where);
      check_mail(f.mailer, args);
    }
  } else {
    MCP_FUZZ_CHECK_MSG(!r->text.empty(), where);
  }
  const rapidjson::Document result = mcp::to_call_result(std::move(r).value());
  const std::string out = json::to_string(result);
  MCP_FUZZ_CHECK_MSG(core::is_valid_utf8(out), out);
  MCP_FUZZ_CHECK_MSG(json::parse(out).has_value(), out);
  return 0;
}
