#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "json/json.h"
#include "json/schema.h"
#include "mail/mailer.h"
#include "mail/test_util.h"
#include "shop/fixture.h"
#include "shop/tools.h"
#include "xlsx/scratch_dir.h"

using shopmcp::testing::ScratchDir;
using shopmcp::testing::Shop;
namespace mail = shopmcp::mail;
namespace mcp = shopmcp::mcp;
namespace shop = shopmcp::shop;
namespace json = shopmcp::json;

namespace {

// True when `text` has the shape of `pattern`, in which '9' stands for any digit and every other
// character for itself.
bool shaped(const std::string& text, const std::string& pattern) {
  if (text.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (pattern[i] == '9' ? !digit : text[i] != pattern[i]) return false;
  }
  return true;
}

// Records what it is given; answers `result`. While sending it notes how many files the export
// directory holds, and it plays the transfer's progress and cancellation checks as libcurl would.
class FakeMailer final : public mail::Mailer {
 public:
  explicit FakeMailer(const ScratchDir* dir) : dir_(dir) {}

  shopmcp::core::Result<void> send(const std::string& from, const std::string& to,
                                   const std::string& message,
                                   const mail::SendHooks& hooks) override {
    ++calls;
    sent_from = from;
    sent_to = to;
    sent_message = message;
    files_during_send = dir_->entries();
    for (std::uint64_t sent = 0; sent <= message.size(); sent += message.size() / 4 + 1) {
      if (hooks.cancelled && hooks.cancelled())
        return shopmcp::core::unavailable("sending was cancelled; nothing was sent");
      if (hooks.progress) hooks.progress(sent, message.size());
    }
    return result;
  }

  int calls = 0;
  std::string sent_from, sent_to, sent_message;
  std::size_t files_during_send = 0;
  shopmcp::core::Result<void> result;

 private:
  const ScratchDir* dir_;
};

// Records progress; cancels once a progress message starts with `cancel_at` (if set).
class FakeContext final : public mcp::ToolContext {
 public:
  void progress(double p, std::optional<double> total, std::string_view message) override {
    progress_values.push_back(p);
    messages.emplace_back(message);
    CHECK(total == 100);
    if (!cancel_at.empty() && message.rfind(cancel_at, 0) == 0) cancel = true;
  }
  void log(mcp::LogLevel, std::string_view, const rapidjson::Value&) override {}
  bool cancelled() const override { return cancel; }
  shopmcp::core::Result<rapidjson::Document> ask_client(std::string_view, rapidjson::Document,
                                                        std::chrono::milliseconds) override {
    return shopmcp::core::unavailable("no client");
  }

  std::vector<double> progress_values;
  std::vector<std::string> messages;
  std::string cancel_at;
  bool cancel = false;
};

// The tool alone in a registry, over a shop of 500 orders, exporting into a scratch directory.
struct Fixture {
  Shop shop;
  ScratchDir dir;
  FakeMailer mailer{&dir};
  mcp::ToolRegistry tools;

  explicit Fixture(bool configured = true) {
    shop::MailOptions o;
    if (configured) {
      o.mailer = &mailer;
      o.from = "shop@example.com";
    }
    o.tmp_dir = dir.path();
    tools.add(shop::send_excel_email_tool(*shop.db, o));
  }

  // The call's result, checked as the shop's fixture checks every tool's: text equals
  // structuredContent and structuredContent fits the outputSchema.
  rapidjson::Document call(const std::string& args, mcp::ToolContext& ctx) {
    rapidjson::Document d = shopmcp::testing::checked_call(tools, "send_excel_email", args, ctx);
    CHECK(dir.entries() == 0);  // the export file is gone, whatever happened
    return d;
  }
  rapidjson::Document call(const std::string& args) {
    mcp::NullToolContext ctx;
    return call(args, ctx);
  }
  std::string error_text(const std::string& args) {
    rapidjson::Document d = call(args);
    REQUIRE(d.HasMember("isError"));
    return d["content"][0]["text"].GetString();
  }
};

// The attachment of a message the tool rendered, decoded.
std::string attachment_of(const std::string& message) {
  const auto at = message.find("Content-Disposition: attachment");
  REQUIRE(at != std::string::npos);
  const auto body = message.find("\r\n\r\n", at) + 4;
  return shopmcp::testing::unbase64(message.substr(body, message.find("--=_shop_", body) - body));
}

}  // namespace

TEST_SUITE("shop.send_excel_email") {
  TEST_CASE("without a mail server or a sender it says mail is not configured and what to set") {
    Fixture f(false);
    const std::string text = f.error_text(R"({"type":"orders","email":"a@example.com"})");
    CHECK(text.find("not configured") != std::string::npos);
    CHECK(text.find("SHOP_MCP_SMTP_URL") != std::string::npos);
    CHECK(text.find("SHOP_MCP_MAIL_FROM") != std::string::npos);
    CHECK(f.mailer.calls == 0);

    Shop plain(10);  // register_tools without mail options: registered, not configured
    CHECK(plain.error_text("send_excel_email", R"({"type":"products","email":"a@example.com"})")
              .find("not configured") != std::string::npos);

    ScratchDir dir;
    mcp::ToolRegistry only_server;
    FakeMailer mailer(&dir);
    only_server.add(shop::send_excel_email_tool(*plain.db, shop::MailOptions{&mailer, "", ""}));
    mcp::NullToolContext ctx;
    rapidjson::Document args;
    args.Parse(R"({"type":"orders","email":"a@example.com"})");
    auto r = only_server.call("send_excel_email", &args, ctx);
    REQUIRE(r.has_value());
    CHECK(r->is_error);
    CHECK(r->text.find("SHOP_MCP_MAIL_FROM") != std::string::npos);
    CHECK(r->text.find("SHOP_MCP_SMTP_URL") == std::string::npos);
    CHECK(mailer.calls == 0);
  }

  TEST_CASE("bad arguments are tool errors naming the field and the rule; nothing is sent") {
    Fixture f;
    const std::vector<std::pair<const char*, const char*>> cases = {
        {R"({"email":"a@example.com"})", "type: is required"},
        {R"({"type":"orders"})", "email: is required"},
        {R"({"type":"customers","email":"a@example.com"})",
         "type: must be one of: orders, products"},
        {R"({"type":"orders","email":"not-an-address"})",
         "email: must be one valid e-mail address"},
        {R"({"type":"orders","email":"Boss <a@example.com>"})", "email: must be one valid"},
        {R"({"type":"orders","email":"a@example.com,b@example.com"})", "email: must be one valid"},
        {R"({"type":"orders","email":"a@example.com\r\nBcc: x@evil.com"})",
         "email: must not contain CR or LF"},
        {R"({"type":"orders","email":"a@example.com","subject":"Hi\r\nBcc: x@evil.com"})",
         "subject: must be one line"},
        {R"({"type":"orders","email":"a@example.com","subject":"Hi\nthere"})",
         "subject: must be one line"},
        {R"({"type":"orders","email":"a@example.com","limit":0})",
         "limit: must be from 1 to 10000"},
        {R"({"type":"orders","email":"a@example.com","limit":10001})",
         "limit: must be from 1 to 10000"},
        {R"({"type":"orders","email":"a@example.com","filters":{"category":"飲料"}})",
         "filters.category: not a filter for type orders; it takes status, customer_name, "
         "product_name, date_from, date_to"},
        {R"({"type":"orders","email":"a@example.com","filters":{"stock_quantity":1}})",
         "filters.stock_quantity: not a filter for type orders"},
        {R"({"type":"products","email":"a@example.com","filters":{"status":"completed"}})",
         "filters.status: not a filter for type products; it takes product_name, category, "
         "stock_quantity"},
        {R"({"type":"products","email":"a@example.com","filters":{"date_from":"2025-01-01"}})",
         "filters.date_from: not a filter for type products"},
        {R"({"type":"orders","email":"a@example.com","filters":{"color":"red"}})",
         "filters.color: not a filter for type orders"},
        {R"({"type":"orders","email":"a@example.com","filters":{"date_from":"2025-02-30"}})",
         "filters.date_from: must be a real calendar date"},
        {R"({"type":"orders","email":"a@example.com","filters":{"date_to":"2025-1-1"}})",
         "filters.date_to: must be a date in YYYY-MM-DD format"},
        {R"({"type":"orders","email":"a@example.com","filters":{"date_from":"2025-03-02","date_to":"2025-03-01"}})",
         "filters.date_to: must not be before date_from"},
        {R"({"type":"orders","email":"a@example.com","filters":{"status":"lost"}})",
         "filters.status: must be one of"},
        {R"({"type":"products","email":"a@example.com","filters":{"stock_quantity":-1}})",
         "filters.stock_quantity: must be at least 0"},
        {R"({"type":"orders","email":"a@example.com","filters":"status=completed"})",
         "filters: must be an object"},
        {R"({"type":"orders","email":"a@example.com","to":"b@example.com"})",
         "to: unknown argument"},
    };
    for (const auto& c : cases) {
      const char* args = c.first;  // not a structured binding: clang 14 cannot capture those
      const char* expected = c.second;
      const std::string text = f.error_text(args);
      CHECK_MESSAGE(text.find(expected) != std::string::npos, args, " -> ", text);
      CHECK_MESSAGE(text.rfind("Invalid arguments for send_excel_email: ", 0) == 0, text);
    }
    CHECK(f.mailer.calls == 0);
  }

  TEST_CASE("an orders export is mailed as an .xlsx attachment and the result describes it") {
    Fixture f;
    FakeContext ctx;
    auto d = f.call(R"({"type":"orders","email":"boss@example.org",
                        "filters":{"status":"completed","customer_name":"陳"},"limit":7})",
                    ctx);
    REQUIRE_FALSE(d.HasMember("isError"));
    std::size_t expected = 0;
    for (const auto& o : f.shop.all_orders()) {
      expected += o.status == "completed" && o.customer_name.find("陳") != std::string::npos;
    }
    expected = std::min<std::size_t>(expected, 7);
    REQUIRE(expected > 0);
    const auto& s = d["structuredContent"];
    CHECK(s["success"].GetBool());
    const auto& data = s["data"];
    CHECK(std::string(data["type"].GetString()) == "orders");
    CHECK(std::string(data["email"].GetString()) == "boss@example.org");
    CHECK(data["records_count"].GetInt64() == static_cast<std::int64_t>(expected));
    const std::string filename = data["filename"].GetString();
    CHECK(shaped(filename, "orders_99999999_999999.xlsx"));
    CHECK(shaped(data["export_time"].GetString(), "9999-99-99 99:99:99"));
    const std::string subject = data["subject"].GetString();
    CHECK(subject.find("Orders export") != std::string::npos);
    CHECK(subject.find(data["export_time"].GetString()) != std::string::npos);
    CHECK(subject.find("(" + std::to_string(expected) + " records)") != std::string::npos);
    CHECK(std::string(s["message"].GetString()).find("boss@example.org") != std::string::npos);

    REQUIRE(f.mailer.calls == 1);
    CHECK(f.mailer.sent_from == "shop@example.com");
    CHECK(f.mailer.sent_to == "boss@example.org");
    CHECK(f.mailer.files_during_send == 1);  // written to the configured directory, then removed
    CHECK(f.mailer.sent_message.find("Subject: =?UTF-8?B?") != std::string::npos);
    CHECK(f.mailer.sent_message.find("filename=\"" + filename + "\"") != std::string::npos);
    const std::string xlsx = attachment_of(f.mailer.sent_message);
    CHECK(xlsx.rfind("PK\x03\x04", 0) == 0);
    CHECK(xlsx.find("xl/worksheets/sheet1.xml") != std::string::npos);

    // progress: querying, writing, sending, the transfer, done; never backwards
    REQUIRE(ctx.messages.size() >= 4);
    CHECK(ctx.messages[0].rfind("querying", 0) == 0);
    CHECK(ctx.messages[1].rfind("writing " + std::to_string(expected) + " rows", 0) == 0);
    CHECK(ctx.messages[2].rfind("sending the e-mail", 0) == 0);
    CHECK(ctx.messages.back() == "sent");
    CHECK(ctx.progress_values.back() == 100);
    CHECK(std::is_sorted(ctx.progress_values.begin(), ctx.progress_values.end()));
    CHECK(std::any_of(ctx.messages.begin(), ctx.messages.end(),
                      [](const std::string& m) { return m.rfind("sent ", 0) == 0; }));
  }

  TEST_CASE("a products export honours its filters, subject and message") {
    Fixture f;
    auto d = f.call(R"({"type":"products","email":"a@example.com","subject":"本週飲料 stock",
                        "message":"見附件",
                        "filters":{"category":"飲料","stock_quantity":100}})");
    REQUIRE_FALSE(d.HasMember("isError"));
    auto products =
        f.shop.db->find_products({std::nullopt, "飲料", std::nullopt, std::nullopt, 100}, 100);
    REQUIRE(products.has_value());
    REQUIRE(!products->empty());
    CHECK(d["structuredContent"]["data"]["records_count"].GetInt64() ==
          static_cast<std::int64_t>(products->size()));
    CHECK(std::string(d["structuredContent"]["data"]["subject"].GetString()) == "本週飲料 stock");
    CHECK(
        std::string(d["structuredContent"]["data"]["filename"].GetString()).rfind("products_", 0) ==
        0);
    const auto body_at =
        f.mailer.sent_message.find("charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    REQUIRE(body_at != std::string::npos);
    const auto start = f.mailer.sent_message.find("\r\n\r\n", body_at) + 4;
    CHECK(shopmcp::testing::unbase64(f.mailer.sent_message.substr(
              start, f.mailer.sent_message.find("--=_shop_", start) - start)) == "見附件");
  }

  TEST_CASE("a refusal by the mail server is a tool error with its reply code, never a success") {
    Fixture f;
    f.mailer.result = shopmcp::core::unavailable(
        "the mail server refused the message (SMTP 550); it was not sent. Check the recipient");
    const std::string text = f.error_text(R"({"type":"orders","email":"a@example.com"})");
    CHECK(text.find("SMTP 550") != std::string::npos);
    CHECK(text.find("was not e-mailed to a@example.com") != std::string::npos);
    CHECK(text.find("\"success\"") == std::string::npos);
    CHECK(f.mailer.calls == 1);
    CHECK(f.mailer.files_during_send == 1);
  }

  TEST_CASE("cancelled while querying or while sending: a tool error and the file is removed") {
    for (const char* stage : {"querying", "writing", "sending"}) {
      CAPTURE(stage);
      Fixture f;
      FakeContext ctx;
      ctx.cancel_at = stage;
      auto d = f.call(R"({"type":"orders","email":"a@example.com"})", ctx);
      REQUIRE(d.HasMember("isError"));
      CHECK(std::string(d["content"][0]["text"].GetString()).find("cancelled") !=
            std::string::npos);
      CHECK(f.mailer.calls == (std::string(stage) == "sending" ? 1 : 0));
      CHECK(std::find(ctx.messages.begin(), ctx.messages.end(), "sent") == ctx.messages.end());
    }
  }

  TEST_CASE("a sender address the mail cannot carry is the operator's error; nothing is sent") {
    Shop s(10);
    ScratchDir dir;
    FakeMailer mailer(&dir);
    mcp::ToolRegistry tools;
    tools.add(shop::send_excel_email_tool(
        *s.db, shop::MailOptions{&mailer, "shop@localhost\r\nBcc: x@example.com", dir.path()}));
    mcp::NullToolContext ctx;
    rapidjson::Document args;
    args.Parse(R"({"type":"orders","email":"a@example.com"})");
    auto r = tools.call("send_excel_email", &args, ctx);
    REQUIRE(r.has_value());
    CHECK(r->is_error);
    CHECK(r->text.find("SHOP_MCP_MAIL_FROM") != std::string::npos);
    CHECK(mailer.calls == 0);
    CHECK(dir.entries() == 0);
  }

  TEST_CASE("an export directory that cannot be written is a tool error without its path") {
    Shop s(10);
    ScratchDir dir;
    FakeMailer mailer(&dir);
    mcp::ToolRegistry tools;
    tools.add(shop::send_excel_email_tool(
        *s.db, shop::MailOptions{&mailer, "shop@example.com", dir.path() + "/missing"}));
    mcp::NullToolContext ctx;
    rapidjson::Document args;
    args.Parse(R"({"type":"orders","email":"a@example.com"})");
    auto r = tools.call("send_excel_email", &args, ctx);
    REQUIRE(r.has_value());
    CHECK(r->is_error);
    CHECK(r->text.find("Excel file could not be created") != std::string::npos);
    CHECK(r->text.find(dir.path()) == std::string::npos);
    CHECK(mailer.calls == 0);
  }
}
