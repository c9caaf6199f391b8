// Resources, prompts and completion in the MCP layer: URI templates, the registries, and the
// server's methods over them (errors included), with small registries defined here.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "json/json.h"
#include "mcp/completion.h"
#include "mcp/prompts.h"
#include "mcp/resources.h"
#include "mcp/server.h"
#include "rpc/dispatcher.h"

namespace {

using namespace shopmcp;
using mcp::Arguments;
using mcp::ResourceContents;

// A catalogue whose one direct resource reads `note` at the time of the read.
// The client state a session module would keep, for any non-empty session id.
class FakeClient final : public mcp::ClientState {
 public:
  void set_declared(mcp::DeclaredCapabilities d) override { declared_ = d; }
  mcp::DeclaredCapabilities declared() const override { return declared_; }
  void set_log_level(mcp::LogLevel level) override { level_ = level; }
  std::optional<mcp::LogLevel> log_level() const override { return level_; }
  void subscribe(const std::string& uri, std::size_t seen) override { subscriptions[uri] = seen; }
  void unsubscribe(const std::string& uri) override { subscriptions.erase(uri); }
  std::map<std::string, std::size_t> subscriptions;

 private:
  mcp::DeclaredCapabilities declared_;
  std::optional<mcp::LogLevel> level_;
};

struct FakeClients final : mcp::ClientDirectory {
  std::shared_ptr<mcp::ClientState> client(const std::string& id) override {
    if (id.empty()) return nullptr;
    auto& c = by_id[id];
    if (!c) c = std::make_shared<FakeClient>();
    return c;
  }
  std::map<std::string, std::shared_ptr<FakeClient>> by_id;
};

struct Catalog {
  std::string note = "first";
  mcp::ToolRegistry tools;
  mcp::ResourceRegistry resources;
  mcp::PromptRegistry prompts;
  FakeClients clients;
  std::unique_ptr<mcp::Server> server;
  rpc::Dispatcher d;

  explicit Catalog(bool with_catalogue = true) {
    if (with_catalogue) {
      resources.add(
          mcp::Resource{"memo://note", "note", "", "A note", "text/plain", [this] {
                          return mcp::ReadResult(std::vector<ResourceContents>{
                              ResourceContents::of_text("memo://note", "text/plain", note)});
                        }});
      mcp::ResourceTemplate t;
      t.uri_template = "memo://items/{id}/v{version}";
      t.name = "item";
      t.read = [](const std::string& uri, const Arguments& vars) -> mcp::ReadResult {
        if (vars.at("id") == "missing") return core::not_found("no such item");
        return std::vector<ResourceContents>{
            ResourceContents::of_text(uri, "text/plain", vars.at("id") + "@" + vars.at("version"))};
      };
      t.complete["id"] = [](std::string_view v, const Arguments& ctx) {
        std::vector<std::string> all{"apple", "banana", "pineapple"};
        if (auto it = ctx.find("version"); it != ctx.end()) all.push_back("v" + it->second);
        return mcp::filter_candidates(all, v);
      };
      resources.add(std::move(t));
      prompts.add(mcp::Prompt{
          "greet",
          "Greeting",
          "Greets someone",
          {{"who", "", "Whom to greet", true,
            [](std::string_view v, const Arguments&) {
              return mcp::filter_candidates({"Ann", "Bob", "annette"}, v);
            }},
           {"tone", "", "How", false, {}}},
          [](const Arguments& a) -> core::Result<rapidjson::Document> {
            if (a.at("who") == "nobody") {
              return core::invalid_argument("\"who\" must be someone");
            }
            rapidjson::Document r(rapidjson::kObjectType);
            auto& al = r.GetAllocator();
            rapidjson::Value m(rapidjson::kArrayType);
            m.PushBack(
                mcp::prompt_message("user", mcp::text_content("Hello " + a.at("who"), al), al), al);
            r.AddMember("messages", m, al);
            return r;
          }});
    }
    server = std::make_unique<mcp::Server>(mcp::ServerInfo{"t", "", "1", "", ""}, tools, &resources,
                                           &prompts, &clients);
    server->install(d);
  }

  rapidjson::Document call(const std::string& body, const std::string& session = "s1") {
    rpc::CallContext ctx;
    ctx.session_id = session;
    auto r = d.handle_text(body, ctx);
    REQUIRE(r.has_value());
    return std::move(*r);
  }
  rapidjson::Document req(const char* method, const std::string& params,
                          const std::string& session = "s1") {
    return call(std::string(R"({"jsonrpc":"2.0","id":1,"method":")") + method + R"(","params":)" +
                    params + "}",
                session);
  }
};

int error_code(const rapidjson::Document& r) {
  REQUIRE(r.HasMember("error"));
  return r["error"]["code"].GetInt();
}
std::string error_message(const rapidjson::Document& r) {
  REQUIRE(r.HasMember("error"));
  return r["error"]["message"].GetString();
}

}  // namespace

TEST_SUITE("mcp.catalog") {
  TEST_CASE("URI templates: {name} variables match one segment, percent-decoded") {
    auto t = mcp::UriTemplate::parse("shop://orders/{transaction_id}");
    REQUIRE(t.has_value());
    auto m = t->match("shop://orders/TXN000001");
    REQUIRE(m.has_value());
    CHECK(m->at("transaction_id") == "TXN000001");
    CHECK(t->match("shop://orders/a%20b")->at("transaction_id") == "a b");
    CHECK_FALSE(t->match("shop://orders/").has_value());
    CHECK_FALSE(t->match("shop://orders/a/b").has_value());
    CHECK_FALSE(t->match("shop://orders/a?x=1").has_value());
    CHECK_FALSE(t->match("shop://orders/%zz").has_value());
    CHECK_FALSE(t->match("shop://order/TXN1").has_value());
    auto two = mcp::UriTemplate::parse("x://{a}/and/{b}.json");
    REQUIRE(two.has_value());
    auto m2 = two->match("x://1/and/2.json");
    REQUIRE(m2.has_value());
    CHECK(m2->at("a") == "1");
    CHECK(m2->at("b") == "2");
    CHECK_FALSE(two->match("x://1/and/2.jsonx").has_value());
    CHECK_FALSE(mcp::UriTemplate::parse("x://{a").has_value());
    CHECK_FALSE(mcp::UriTemplate::parse("x://{}").has_value());
    CHECK_FALSE(mcp::UriTemplate::parse("x://{+a}").has_value());
    CHECK_FALSE(mcp::UriTemplate::parse("x://{a}{b}").has_value());
  }

  TEST_CASE("completion results: at most 100 values; more sets hasMore and leaves out total") {
    auto few = mcp::completion_result({"a", "b"});
    CHECK(few["completion"]["values"].Size() == 2);
    CHECK(few["completion"]["total"].GetUint64() == 2);
    CHECK_FALSE(few["completion"]["hasMore"].GetBool());
    std::vector<std::string> many(101, "x");
    auto capped = mcp::completion_result(many);
    CHECK(capped["completion"]["values"].Size() == 100);
    CHECK_FALSE(capped["completion"].HasMember("total"));
    CHECK(capped["completion"]["hasMore"].GetBool());
    CHECK(mcp::filter_candidates({"pineapple", "Apple", "banana"}, "ap") ==
          std::vector<std::string>{"Apple", "pineapple"});
    CHECK(mcp::filter_candidates({"x", "y"}, "").size() == 2);
  }

  TEST_CASE("completion requests: the ref, the argument, what was typed and the context") {
    auto read = [](const char* text) {
      rapidjson::Document d;
      d.Parse(text);
      return mcp::read_completion_request(d);
    };
    auto p = read(R"({"ref":{"type":"ref/prompt","name":"sales_report"},
                      "argument":{"name":"status","value":"co"},
                      "context":{"arguments":{"date_from":"2026-01-01","n":3}}})");
    REQUIRE(p.has_value());
    CHECK(p->ref == mcp::CompletionRequest::Ref::kPrompt);
    CHECK(p->target == "sales_report");
    CHECK(p->argument == "status");
    CHECK(p->value == "co");
    CHECK(p->context == mcp::Arguments{{"date_from", "2026-01-01"}});  // strings only
    auto r = read(R"({"ref":{"type":"ref/resource","uri":"shop://products/{id}"},
                      "argument":{"name":"id","value":""}})");
    REQUIRE(r.has_value());
    CHECK(r->ref == mcp::CompletionRequest::Ref::kResource);
    CHECK(r->target == "shop://products/{id}");
    CHECK(r->value.empty());
    for (const char* bad :
         {"[]", "{}", R"({"ref":{"type":"ref/prompt","name":"x"}})",
          R"({"ref":{"type":"ref/other","name":"x"},"argument":{"name":"a","value":""}})",
          R"({"ref":{"type":"ref/prompt"},"argument":{"name":"a","value":""}})",
          R"({"ref":{"type":"ref/resource","name":"x"},"argument":{"name":"a","value":""}})",
          R"({"ref":{"type":"ref/prompt","name":"x"},"argument":{"value":""}})"}) {
      auto e = read(bad);
      REQUIRE_FALSE(e.has_value());
      CHECK(e.error().message.rfind("completion/complete: params must be", 0) == 0);
    }
  }

  TEST_CASE("capabilities name resources, prompts and completions only when offered") {
    Catalog with;
    auto caps = with.server->capabilities();
    CHECK(caps["resources"]["subscribe"].GetBool());
    CHECK(caps.HasMember("prompts"));
    CHECK(caps.HasMember("completions"));
    Catalog without(false);
    auto none = without.server->capabilities();
    CHECK_FALSE(none.HasMember("resources"));
    CHECK_FALSE(none.HasMember("prompts"));
    CHECK_FALSE(none.HasMember("completions"));
    CHECK(error_code(without.req("resources/list", "{}")) == -32601);
    CHECK(error_code(without.req("prompts/list", "{}")) == -32601);
  }

  TEST_CASE("resources/list, templates/list and read; unknown URIs get -32002") {
    Catalog c;
    auto list = c.req("resources/list", "{}");
    REQUIRE(list["result"]["resources"].Size() == 1);
    CHECK(std::string(list["result"]["resources"][0]["uri"].GetString()) == "memo://note");
    CHECK(std::string(list["result"]["resources"][0]["mimeType"].GetString()) == "text/plain");
    auto templates = c.req("resources/templates/list", "{}");
    CHECK(std::string(templates["result"]["resourceTemplates"][0]["uriTemplate"].GetString()) ==
          "memo://items/{id}/v{version}");
    auto read = c.req("resources/read", R"({"uri":"memo://items/a%2Fb/v2"})");
    CHECK(std::string(read["result"]["contents"][0]["text"].GetString()) == "a/b@2");
    CHECK(std::string(read["result"]["contents"][0]["uri"].GetString()) == "memo://items/a%2Fb/v2");
    auto missing = c.req("resources/read", R"({"uri":"memo://items/missing/v1"})");
    CHECK(error_code(missing) == -32002);
    CHECK(error_message(missing).find("memo://items/missing/v1") != std::string::npos);
    CHECK(error_code(c.req("resources/read", R"({"uri":"memo://nothing"})")) == -32002);
    CHECK(error_code(c.req("resources/read", "{}")) == -32602);
    CHECK(error_code(c.req("resources/read", R"({"uri":7})")) == -32602);
    CHECK(error_code(c.req("resources/list", R"({"cursor":"abc"})")) == -32602);
  }

  TEST_CASE("subscriptions: {} results, kept in the session's client state with a fingerprint") {
    Catalog c;
    auto sub = c.req("resources/subscribe", R"({"uri":"memo://note"})", "s1");
    REQUIRE(sub.HasMember("result"));
    CHECK(sub["result"].ObjectEmpty());
    c.req("resources/subscribe", R"({"uri":"memo://note"})", "s2");
    const std::size_t first = c.server->resource_fingerprint("memo://note");
    CHECK(c.clients.by_id["s1"]->subscriptions.at("memo://note") == first);
    CHECK(c.clients.by_id["s2"]->subscriptions.at("memo://note") == first);
    c.note = "second";
    CHECK(c.server->resource_fingerprint("memo://note") != first);  // a change is noticed
    auto unsub = c.req("resources/unsubscribe", R"({"uri":"memo://note"})", "s2");
    CHECK(unsub["result"].ObjectEmpty());
    CHECK(c.clients.by_id["s2"]->subscriptions.empty());
    CHECK(c.clients.by_id["s1"]->subscriptions.size() == 1);
    // Unknown URIs are refused; without a session there is nowhere to send updates.
    CHECK(error_code(c.req("resources/subscribe", R"({"uri":"memo://nothing"})")) == -32002);
    CHECK(error_code(c.req("resources/subscribe", R"({"uri":"memo://note"})", "")) == -32600);
  }

  TEST_CASE("prompts/list and prompts/get, with errors that name the argument") {
    Catalog c;
    auto list = c.req("prompts/list", "{}");
    const auto& p = list["result"]["prompts"][0];
    CHECK(std::string(p["name"].GetString()) == "greet");
    CHECK(std::string(p["description"].GetString()) == "Greets someone");
    CHECK(p["arguments"][0]["required"].GetBool());
    CHECK_FALSE(p["arguments"][1]["required"].GetBool());
    auto got = c.req("prompts/get", R"({"name":"greet","arguments":{"who":"Ann"}})");
    CHECK(std::string(got["result"]["messages"][0]["content"]["text"].GetString()) == "Hello Ann");
    auto missing = c.req("prompts/get", R"({"name":"greet"})");
    CHECK(error_code(missing) == -32602);
    CHECK(error_message(missing).find("\"who\"") != std::string::npos);
    auto unknown_arg =
        c.req("prompts/get", R"({"name":"greet","arguments":{"who":"Ann","x":"1"}})");
    CHECK(error_message(unknown_arg).find("\"x\"") != std::string::npos);
    CHECK(error_message(unknown_arg).find("who, tone") != std::string::npos);
    CHECK(error_code(c.req("prompts/get", R"({"name":"greet","arguments":{"who":5}})")) == -32602);
    auto refused = c.req("prompts/get", R"({"name":"greet","arguments":{"who":"nobody"}})");
    CHECK(error_message(refused).find("must be someone") != std::string::npos);
    auto unknown = c.req("prompts/get", R"({"name":"nope"})");
    CHECK(error_code(unknown) == -32602);
    CHECK(error_message(unknown).find("Available prompts: greet") != std::string::npos);
  }

  TEST_CASE("completion/complete for prompt arguments and template variables") {
    Catalog c;
    auto r = c.req(
        "completion/complete",
        R"({"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"who","value":"an"}})");
    const auto& values = r["result"]["completion"]["values"];
    REQUIRE(values.Size() == 2);
    CHECK(std::string(values[0].GetString()) == "Ann");
    CHECK(std::string(values[1].GetString()) == "annette");
    // No completer, or an argument the prompt does not have: an empty list, not an error.
    auto none = c.req(
        "completion/complete",
        R"({"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"tone","value":"x"}})");
    CHECK(none["result"]["completion"]["values"].Size() == 0);
    auto tmpl = c.req(
        "completion/complete",
        R"({"ref":{"type":"ref/resource","uri":"memo://items/{id}/v{version}"},"argument":{"name":"id","value":"v"},"context":{"arguments":{"version":"7"}}})");
    REQUIRE(tmpl["result"]["completion"]["values"].Size() == 1);
    CHECK(std::string(tmpl["result"]["completion"]["values"][0].GetString()) == "v7");
    CHECK(
        error_code(c.req(
            "completion/complete",
            R"({"ref":{"type":"ref/prompt","name":"nope"},"argument":{"name":"a","value":""}})")) ==
        -32602);
    CHECK(
        error_code(c.req(
            "completion/complete",
            R"({"ref":{"type":"ref/resource","uri":"memo://x/{y}"},"argument":{"name":"y","value":""}})")) ==
        -32602);
    CHECK(error_code(c.req("completion/complete",
                           R"({"ref":{"type":"ref/other"},"argument":{"name":"a","value":""}})")) ==
          -32602);
    CHECK(error_code(c.req("completion/complete", R"({"argument":{"name":"a","value":""}})")) ==
          -32602);
  }

  TEST_CASE("tool results may carry any content blocks") {
    mcp::ToolResult text = mcp::ToolResult::error("bad");
    auto d = mcp::to_call_result(std::move(text));
    CHECK(std::string(d["content"][0]["type"].GetString()) == "text");
    CHECK(d["isError"].GetBool());
    rapidjson::Document blocks(rapidjson::kArrayType);
    auto& a = blocks.GetAllocator();
    blocks.PushBack(mcp::image_content("AAAA", "image/png", a), a);
    blocks.PushBack(mcp::audio_content("BBBB", "audio/wav", a), a);
    blocks.PushBack(
        mcp::embedded_resource(ResourceContents::of_blob("x://b", "image/png", "CCCC"), a), a);
    blocks.PushBack(mcp::resource_link("x://l", "link", "text/plain", "", a), a);
    auto r = mcp::to_call_result(mcp::ToolResult::of_content(std::move(blocks)));
    const auto& c = r["content"];
    REQUIRE(c.Size() == 4);
    CHECK(std::string(c[0]["type"].GetString()) == "image");
    CHECK(std::string(c[0]["data"].GetString()) == "AAAA");
    CHECK(std::string(c[1]["mimeType"].GetString()) == "audio/wav");
    CHECK(std::string(c[2]["resource"]["blob"].GetString()) == "CCCC");
    CHECK_FALSE(c[2]["resource"].HasMember("text"));
    CHECK(std::string(c[3]["type"].GetString()) == "resource_link");
    CHECK_FALSE(r.HasMember("isError"));
  }
}
