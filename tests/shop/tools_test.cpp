#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "shop/fixture.h"

using shopmcp::testing::Shop;

TEST_SUITE("shop.tools") {
  TEST_CASE("the five tools are listed with descriptions and schemas") {
    Shop shop(10);
    CHECK(shop.tools.names() ==
          std::vector<std::string>{"get_orders", "get_products", "get_customer_stats",
                                   "get_order_analytics", "send_excel_email"});
    rapidjson::Document d(rapidjson::kObjectType);
    rapidjson::Value list = shop.tools.list(d.GetAllocator());
    for (auto& t : list.GetArray()) {
      CHECK(std::string(t["description"].GetString()).size() > 20);
      CHECK(std::string(t["inputSchema"]["type"].GetString()) == "object");
      CHECK(std::string(t["outputSchema"]["type"].GetString()) == "object");
      for (auto& p : t["inputSchema"]["properties"].GetObject()) {
        CHECK_MESSAGE(p.value.HasMember("description"), p.name.GetString());
      }
    }
  }

  TEST_CASE("get_orders returns the newest orders first, 10 by default") {
    Shop shop;
    auto all = shop.all_orders();
    auto d = shop.call("get_orders", "{}");
    const auto& orders = d["structuredContent"]["orders"];
    REQUIRE(orders.Size() == 10);
    CHECK(d["structuredContent"]["total"].GetInt64() == 10);
    for (rapidjson::SizeType i = 0; i < orders.Size(); ++i) {
      CHECK(orders[i]["transaction_id"].GetString() == all[i].transaction_id);
    }
    CHECK(shop.call("get_orders", R"({"limit":100})")["structuredContent"]["total"].GetInt64() ==
          100);
  }

  TEST_CASE("get_orders filters by status, customer, product and amount, inclusive") {
    Shop shop;
    auto all = shop.all_orders();
    auto d = shop.call(
        "get_orders",
        R"({"status":"completed","customer_name":"陳","min_amount":20,"max_amount":60,"limit":100})");
    std::vector<std::string> expect;
    for (const auto& o : all) {
      if (o.status == "completed" && o.customer_name.find("陳") != std::string::npos &&
          o.amount >= 20 && o.amount <= 60) {
        expect.push_back(o.transaction_id);
      }
    }
    REQUIRE(!expect.empty());
    const auto& orders = d["structuredContent"]["orders"];
    REQUIRE(orders.Size() == std::min<std::size_t>(expect.size(), 100));
    for (rapidjson::SizeType i = 0; i < orders.Size(); ++i) {
      CHECK(orders[i]["transaction_id"].GetString() == expect[i]);
    }
    auto p = shop.call("get_orders", R"({"product_name":"雪糕","status":"all","limit":100})");
    for (auto& o : p["structuredContent"]["orders"].GetArray()) {
      CHECK(std::string(o["product_name"].GetString()).find("雪糕") != std::string::npos);
    }
  }

  TEST_CASE("get_orders refuses impossible dates, reversed ranges and bad limits by name") {
    Shop shop(10);
    CHECK(shop.error_text("get_orders", R"({"date_from":"2025-02-30"})").find("date_from") !=
          std::string::npos);
    CHECK(shop.error_text("get_orders", R"({"date_to":"2025-13-01"})").find("date_to") !=
          std::string::npos);
    CHECK(shop.error_text("get_orders", R"({"date_from":"2025-03-02","date_to":"2025-03-01"})")
              .find("date_to: must not be before date_from") != std::string::npos);
    CHECK(
        shop.error_text("get_orders", R"({"min_amount":50,"max_amount":10})").find("min_amount") !=
        std::string::npos);
    CHECK(shop.error_text("get_orders", R"({"limit":101})").find("limit") != std::string::npos);
    CHECK(shop.error_text("get_orders", R"({"status":"lost"})").find("status") !=
          std::string::npos);
    CHECK(shop.error_text("get_orders", R"({"customer":"x"})").find("customer: unknown argument") !=
          std::string::npos);
    CHECK(shop.error_text("get_orders", R"({"min_amount":-1})").find("min_amount") !=
          std::string::npos);
    // 2024-02-29 exists.
    CHECK_FALSE(shop.call("get_orders", R"({"date_from":"2024-02-29"})").HasMember("isError"));
  }

  TEST_CASE("a whole number written as 10.0 is an integer, as JSON Schema counts it") {
    Shop shop(30);
    auto r = shop.call("get_orders", R"({"limit":3.0,"status":"all"})");
    CHECK_FALSE(r.HasMember("isError"));
    CHECK(r["structuredContent"]["total"].GetInt() == 3);
    CHECK(shop.call("get_products", R"({"limit":1e1})")["structuredContent"]["total"].GetInt() ==
          10);
    CHECK(shop.error_text("get_orders", R"({"limit":2.5})").find("limit: must be an integer") !=
          std::string::npos);
  }

  TEST_CASE("get_products orders by name and filters by category, price and stock") {
    Shop shop(10);
    auto d = shop.call("get_products", R"({"limit":100})");
    const auto& products = d["structuredContent"]["products"];
    REQUIRE(products.Size() == 10);
    for (rapidjson::SizeType i = 1; i < products.Size(); ++i) {
      CHECK(std::string(products[i - 1]["name"].GetString()) <=
            std::string(products[i]["name"].GetString()));
    }
    auto drinks = shop.call("get_products", R"({"category":"飲料","min_price":14,"max_price":15})");
    std::set<std::string> names;
    for (auto& p : drinks["structuredContent"]["products"].GetArray())
      names.insert(p["name"].GetString());
    CHECK(names == std::set<std::string>{"百事可樂", "雪碧"});
    auto stock = shop.call("get_products", R"({"stock_quantity":100})");
    std::set<std::string> stocked;
    for (auto& p : stock["structuredContent"]["products"].GetArray())
      stocked.insert(p["name"].GetString());
    CHECK(stocked == std::set<std::string>{"可口可樂", "百事可樂", "雪碧"});
    CHECK(shop.error_text("get_products", R"({"min_price":20,"max_price":10})").find("min_price") !=
          std::string::npos);
  }

  TEST_CASE("get_customer_stats: per-customer totals add up to the overall figures") {
    Shop shop;
    auto d = shop.call("get_customer_stats", R"({"limit":100,"status":"completed"})");
    const auto& s = d["structuredContent"];
    const auto& customers = s["customers"];
    std::int64_t orders = 0;
    double spent = 0;
    for (rapidjson::SizeType i = 0; i < customers.Size(); ++i) {
      orders += customers[i]["total_orders"].GetInt64();
      spent += customers[i]["total_spent"].GetDouble();
      if (i > 0)
        CHECK(customers[i - 1]["total_spent"].GetDouble() >=
              customers[i]["total_spent"].GetDouble());
    }
    CHECK(s["customer_count"].GetInt64() == customers.Size());
    CHECK(s["overall_statistics"]["unique_customers"].GetInt64() == customers.Size());
    CHECK(s["overall_statistics"]["total_orders"].GetInt64() == orders);
    CHECK(std::fabs(s["overall_statistics"]["total_revenue"].GetDouble() - spent) < 0.01);
    std::int64_t completed = 0;
    for (const auto& o : shop.all_orders()) completed += o.status == "completed";
    CHECK(orders == completed);
  }

  TEST_CASE("get_order_analytics groups by day, month, status and product") {
    Shop shop;
    auto all = shop.all_orders();
    auto status = shop.call("get_order_analytics", R"({"analytics_type":"status","limit":1})");
    std::int64_t n = 0;
    const auto& rows = status["structuredContent"]["data"];
    CHECK(rows.Size() == 5);  // status rows ignore the limit
    for (rapidjson::SizeType i = 0; i < rows.Size(); ++i) {
      n += rows[i]["order_count"].GetInt64();
      if (i > 0) CHECK(rows[i - 1]["order_count"].GetInt64() >= rows[i]["order_count"].GetInt64());
    }
    CHECK(n == static_cast<std::int64_t>(all.size()));

    auto daily = shop.call("get_order_analytics", "{}");
    const auto& days = daily["structuredContent"]["data"];
    CHECK(std::string(daily["structuredContent"]["analytics_type"].GetString()) == "daily");
    CHECK(days.Size() <= 30);
    for (rapidjson::SizeType i = 1; i < days.Size(); ++i) {
      CHECK(std::string(days[i - 1]["date"].GetString()) >
            std::string(days[i]["date"].GetString()));
    }

    auto monthly = shop.call("get_order_analytics", R"({"analytics_type":"monthly"})");
    for (auto& m : monthly["structuredContent"]["data"].GetArray()) {
      if (m["month"].GetInt64() == 12)
        CHECK(std::string(m["month_name"].GetString()) == "December");
      if (m["month"].GetInt64() == 1) CHECK(std::string(m["month_name"].GetString()) == "January");
    }

    auto product = shop.call("get_order_analytics", R"({"analytics_type":"product","limit":100})");
    std::int64_t total_units = 0, listed_units = 0;
    for (const auto& o : all) total_units += o.quantity;
    const auto& prows = product["structuredContent"]["data"];
    for (rapidjson::SizeType i = 0; i < prows.Size(); ++i) {
      listed_units += prows[i]["total_quantity"].GetInt64();
      if (i > 0)
        CHECK(prows[i - 1]["total_quantity"].GetInt64() >= prows[i]["total_quantity"].GetInt64());
    }
    CHECK(listed_units == total_units);
    CHECK(shop.error_text("get_order_analytics", R"({"analytics_type":"weekly"})")
              .find("analytics_type") != std::string::npos);
  }

  TEST_CASE("literal % and _ and SQL text match nothing in names") {
    Shop shop;
    for (const char* args : {R"({"customer_name":"%"})", R"({"customer_name":"_"})",
                             R"({"customer_name":"' OR 1=1 --"})", R"({"transaction_id":"TXN%"})",
                             R"({"product_name":"_"})"}) {
      CHECK_MESSAGE(shop.call("get_orders", args)["structuredContent"]["total"].GetInt64() == 0,
                    args);
    }
    CHECK(shop.call("get_orders", R"({"transaction_id":"txn00000"})")["structuredContent"]["total"]
              .GetInt64() == 9);
  }

  TEST_CASE("an unknown tool is a not-found error, not a tool result") {
    Shop shop(1);
    shopmcp::mcp::NullToolContext ctx;
    auto r = shop.tools.call("drop_tables", nullptr, ctx);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == shopmcp::core::ErrorCode::kNotFound);
    CHECK(r.error().message.find("get_orders") != std::string::npos);
  }
}
