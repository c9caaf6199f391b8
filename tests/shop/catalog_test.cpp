// The shop's resources, prompts and completions over an in-memory shop, checked against the
// store's own queries and the tools' answers.
#include <doctest/doctest.h>

#include <string>

#include "json/json.h"
#include "mcp/server.h"
#include "rpc/dispatcher.h"
#include "shop/fixture.h"
#include "shop/prompts.h"
#include "shop/resources.h"

using shopmcp::testing::Shop;
namespace mcp = shopmcp::mcp;
namespace json = shopmcp::json;

namespace {

struct Catalog {
  Shop shop;
  mcp::ResourceRegistry resources;
  mcp::PromptRegistry prompts;
  std::unique_ptr<mcp::Server> server;
  shopmcp::rpc::Dispatcher d;

  Catalog() {
    shopmcp::shop::register_resources(resources, *shop.db);
    shopmcp::shop::register_prompts(prompts, *shop.db, shop.tools);
    server = std::make_unique<mcp::Server>(mcp::ServerInfo{"t", "", "1", "", ""}, shop.tools,
                                           &resources, &prompts);
    server->install(d);
  }

  rapidjson::Document req(const char* method, const std::string& params) {
    shopmcp::rpc::CallContext ctx{.request_id = "1", .session_id = "s", .peer = nullptr};
    std::string body = R"({"jsonrpc":"2.0","id":1,"method":")";
    body.append(method).append(R"(","params":)").append(params).append("}");
    auto r = d.handle_text(body, ctx);
    REQUIRE(r.has_value());
    return std::move(*r);
  }

  // The JSON text of a resource.
  rapidjson::Document read(const std::string& uri) {
    auto r = req("resources/read", R"({"uri":")" + uri + R"("})");
    REQUIRE_MESSAGE(r.HasMember("result"), json::to_string(r));
    const auto& c = r["result"]["contents"][0];
    CHECK(std::string(c["uri"].GetString()) == uri);
    CHECK(std::string(c["mimeType"].GetString()) == "application/json");
    auto doc = json::parse(c["text"].GetString());
    REQUIRE(doc.has_value());
    return std::move(doc).value();
  }

  std::vector<std::string> complete(const std::string& ref, const std::string& arg,
                                    const std::string& value) {
    auto r = req("completion/complete", R"({"ref":)" + ref + R"(,"argument":{"name":")" + arg +
                                            R"(","value":")" + value + R"("}})");
    REQUIRE_MESSAGE(r.HasMember("result"), json::to_string(r));
    std::vector<std::string> out;
    for (auto& v : r["result"]["completion"]["values"].GetArray()) out.emplace_back(v.GetString());
    return out;
  }

  // The text of every message of a prompt, joined.
  std::string prompt_text(const std::string& name, const std::string& args) {
    auto r = req("prompts/get", R"({"name":")" + name + R"(","arguments":)" + args + "}");
    REQUIRE_MESSAGE(r.HasMember("result"), json::to_string(r));
    std::string all;
    for (auto& m : r["result"]["messages"].GetArray()) {
      CHECK(std::string(m["role"].GetString()) == "user");
      all += m["content"]["text"].GetString();
      all += "\n";
    }
    return all;
  }
};

}  // namespace

TEST_SUITE("shop.catalog") {
  TEST_CASE("resources: the catalogue, one product and one order, as the store holds them") {
    Catalog c;
    auto list = c.req("resources/list", "{}");
    CHECK(std::string(list["result"]["resources"][0]["uri"].GetString()) == "shop://products");
    auto templates = c.req("resources/templates/list", "{}");
    REQUIRE(templates["result"]["resourceTemplates"].Size() == 2);

    auto catalogue = c.read("shop://products");
    auto products = c.shop.db->find_products({}, 1000);
    REQUIRE(products);
    REQUIRE(catalogue["products"].Size() == products->size());
    CHECK(catalogue["total"].GetInt64() == 10);
    CHECK_FALSE(catalogue["truncated"].GetBool());
    CHECK(std::string(catalogue["products"][0]["name"].GetString()) == (*products)[0].name);

    auto one = c.read("shop://products/4");
    CHECK(one["id"].GetInt64() == 4);
    CHECK(std::string(one["name"].GetString()) == "百事可樂");
    CHECK(one["price"].GetDouble() == doctest::Approx(14.90));

    auto orders = c.shop.all_orders();
    const auto& o = orders[3];
    auto order = c.read("shop://orders/" + o.transaction_id);
    CHECK(std::string(order["customer_name"].GetString()) == o.customer_name);
    CHECK(std::string(order["product_category"].GetString()) == o.product_category);
    CHECK(order["unit_price"].GetDouble() * static_cast<double>(order["quantity"].GetInt64()) ==
          doctest::Approx(order["amount"].GetDouble()));

    for (const char* missing : {"shop://products/99", "shop://products/abc", "shop://products/-1",
                                "shop://products/+4", "shop://orders/TXN999999",
                                // white space, a NUL or text after the digits: not an id
                                "shop://products/%204", "shop://products/4%00x",
                                "shop://products/4%20", "shop://products/99999999999999999999"}) {
      auto r = c.req("resources/read", std::string(R"({"uri":")") + missing + R"("})");
      CHECK_MESSAGE(r["error"]["code"].GetInt() == -32002, missing);
    }
  }

  TEST_CASE("completion: customers, categories, statuses, product and transaction ids") {
    Catalog c;
    const std::string summary = R"({"type":"ref/prompt","name":"customer_summary"})";
    auto customers = c.complete(summary, "customer_name", "陳");
    CHECK(customers == std::vector<std::string>{"陳大明"});
    CHECK(c.complete(summary, "customer_name", "").size() == 15);
    CHECK(c.complete(R"({"type":"ref/prompt","name":"stock_check"})", "category", "零") ==
          std::vector<std::string>{"零食"});
    CHECK(c.complete(R"({"type":"ref/prompt","name":"sales_report"})", "status", "c") ==
          std::vector<std::string>{"completed", "cancelled", "processing"});
    // Dates have no completer: an empty list, not an error.
    CHECK(c.complete(R"({"type":"ref/prompt","name":"sales_report"})", "date_from", "2").empty());
    CHECK(c.complete(R"({"type":"ref/resource","uri":"shop://products/{id}"})", "id", "1") ==
          std::vector<std::string>{"1", "10"});
    auto txns = c.complete(R"({"type":"ref/resource","uri":"shop://orders/{transaction_id}"})",
                           "transaction_id", "TXN0000");
    REQUIRE(txns.size() == 99);  // TXN000001..TXN000099 of the 500 orders
    CHECK(txns.front() == "TXN000001");
    CHECK(txns.back() == "TXN000099");
    auto many = c.req(
        "completion/complete",
        R"({"ref":{"type":"ref/resource","uri":"shop://orders/{transaction_id}"},"argument":{"name":"transaction_id","value":"txn"}})");
    CHECK(many["result"]["completion"]["values"].Size() == 100);
    CHECK(many["result"]["completion"]["hasMore"].GetBool());
  }

  TEST_CASE("prompts carry the figures the tools give, and refuse bad arguments clearly") {
    Catalog c;
    auto list = c.req("prompts/list", "{}");
    REQUIRE(list["result"]["prompts"].Size() == 3);
    for (auto& p : list["result"]["prompts"].GetArray()) {
      CHECK(std::string(p["description"].GetString()).size() > 20);
      CHECK(p["arguments"].Size() >= 1);
    }
    const auto orders = c.shop.all_orders();
    const std::string to = orders.front().created_at.substr(0, 10);
    const std::string from = orders.back().created_at.substr(0, 10);
    const std::string report = c.prompt_text(
        "sales_report", R"({"date_from":")" + from + R"(","date_to":")" + to + R"("})");
    CHECK(report.find(from + " to " + to) != std::string::npos);
    auto stats = c.shop.call(
        "get_customer_stats",
        (R"({"date_from":")" + from + R"(","date_to":")" + to + R"(","limit":10})").c_str());
    CHECK(report.find(stats["content"][0]["text"].GetString()) != std::string::npos);

    const std::string summary = c.prompt_text("customer_summary", R"({"customer_name":"李小芳"})");
    CHECK(summary.find("李小芳") != std::string::npos);
    CHECK(summary.find("\"customer_name\": \"李小芳\"") != std::string::npos);

    const std::string stock =
        c.prompt_text("stock_check", R"({"category":"雪糕","threshold":"35"})");
    CHECK(stock.find("fewer than 35 units") != std::string::npos);
    CHECK(stock.find("哈根達斯雪糕") != std::string::npos);
    CHECK(stock.find("可口可樂\",\n      \"description") == std::string::npos);  // other category

    auto bad_date = c.req(
        "prompts/get",
        R"({"name":"sales_report","arguments":{"date_from":"2026-02-30","date_to":"2026-03-01"}})");
    CHECK(bad_date["error"]["code"].GetInt() == -32602);
    CHECK(std::string(bad_date["error"]["message"].GetString()).find("date_from") !=
          std::string::npos);
    auto missing =
        c.req("prompts/get", R"({"name":"sales_report","arguments":{"date_from":"2026-01-01"}})");
    CHECK(std::string(missing["error"]["message"].GetString()).find("\"date_to\"") !=
          std::string::npos);
    auto threshold = c.req(
        "prompts/get", R"({"name":"stock_check","arguments":{"category":"x","threshold":"lots"}})");
    CHECK(std::string(threshold["error"]["message"].GetString()).find("\"threshold\"") !=
          std::string::npos);
  }
}
