// A shop over the test database (store/test_db.h: SQLite in memory, or PostgreSQL) with a fixed
// clock, and a helper to call its tools.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "json/json.h"
#include "json/schema.h"
#include "mcp/tool_registry.h"
#include "shop/tools.h"
#include "store/test_db.h"

namespace shopmcp::testing {

inline constexpr std::int64_t kNow = 1767225600;  // 2026-01-01 00:00:00 UTC

// Calls `tool` of `tools` with JSON `args` and returns the whole tools/call result, checking its
// shape on success: the text content equals structuredContent, and structuredContent is valid
// against the tool's outputSchema.
inline rapidjson::Document checked_call(const mcp::ToolRegistry& tools, const std::string& tool,
                                        const std::string& args, mcp::ToolContext& ctx) {
  auto a = json::parse(args);
  REQUIRE(a.has_value());
  auto r = tools.call(tool, &*a, ctx);
  REQUIRE(r.has_value());
  rapidjson::Document d = mcp::to_call_result(std::move(r).value());
  if (!d.HasMember("isError")) {
    auto text = json::parse(d["content"][0]["text"].GetString());
    REQUIRE(text.has_value());
    CHECK(*text == d["structuredContent"]);
    rapidjson::Document list(rapidjson::kObjectType);
    rapidjson::Value all = tools.list(list.GetAllocator());
    bool described = false;
    for (auto& t : all.GetArray()) {
      if (tool == t["name"].GetString()) {
        described = true;
        json::Schema out(t["outputSchema"]);
        auto ok = out.validate(d["structuredContent"]);
        CHECK_MESSAGE(ok.has_value(), (ok ? "" : ok.error().message));
      }
    }
    CHECK(described);
  }
  return d;
}

struct Shop {
  std::unique_ptr<store::Store> db;
  mcp::ToolRegistry tools;

  // On the database SHOPMCP_TEST_STORE selects (store/test_db.h).
  explicit Shop(std::int64_t orders = 500)
      : db(store::testing::open_test_store(store::SeedOptions{orders, 42, kNow})) {
    shop::register_tools(tools, *db);
  }

  // Calls `tool` with JSON `args`; checks the result's shape (see checked_call) and returns it.
  rapidjson::Document call(const std::string& tool, const char* args) {
    mcp::NullToolContext ctx;
    return checked_call(tools, tool, args, ctx);
  }

  // The error text of a call expected to fail as a tool error.
  std::string error_text(const std::string& tool, const char* args) {
    rapidjson::Document d = call(tool, args);
    REQUIRE(d.HasMember("isError"));
    CHECK(d["isError"].GetBool());
    return d["content"][0]["text"].GetString();
  }

  std::vector<store::Order> all_orders() {
    auto o = db->find_orders({}, 100000000);
    REQUIRE(o.has_value());
    return std::move(o).value();
  }
};

}  // namespace shopmcp::testing
