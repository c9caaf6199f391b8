// What protocol revision 2026-07-28 adds to a result: resultType everywhere, the cache hint on the
// cacheable methods only, the server's name in _meta; nothing a handler set is overwritten.
#include <doctest/doctest.h>

#include "json/json.h"
#include "mcp/result_2026.h"

namespace shopmcp::testing {
namespace {

std::string completed(std::string_view method, const char* result_json) {
  rapidjson::Document d;
  d.Parse(result_json);
  rapidjson::Value info(rapidjson::kObjectType);
  info.AddMember("name", "shop-mcp", d.GetAllocator());
  info.AddMember("version", "1", d.GetAllocator());
  mcp::complete_2026_result(method, d, info, d.GetAllocator());
  return json::to_string(d);
}

TEST_SUITE("mcp") {
  TEST_CASE("2026-07-28 results: resultType, cache hints where required, serverInfo") {
    CHECK(completed("tools/list", R"({"tools":[]})") ==
          R"({"tools":[],"resultType":"complete","ttlMs":600000,"cacheScope":"public",)"
          R"("_meta":{"io.modelcontextprotocol/serverInfo":{"name":"shop-mcp","version":"1"}}})");
    for (const char* m :
         {"server/discover", "prompts/list", "resources/list", "resources/templates/list"}) {
      CAPTURE(m);
      REQUIRE(mcp::cache_hint(m).has_value());
      CHECK(mcp::cache_hint(m)->ttl_ms == 600000);
      CHECK(std::string(mcp::cache_hint(m)->scope) == "public");
    }
    CHECK(completed("resources/read", R"({"contents":[]})")
              .find(R"("ttlMs":0,"cacheScope":"private")") != std::string::npos);
    for (const char* m : {"tools/call", "prompts/get", "completion/complete", "ping"}) {
      CAPTURE(m);
      CHECK_FALSE(mcp::cache_hint(m).has_value());
      const std::string out = completed(m, "{}");
      CHECK(out.find(R"("resultType":"complete")") != std::string::npos);
      CHECK(out.find("ttlMs") == std::string::npos);
    }
  }

  TEST_CASE("2026-07-28 results: what the handler set stays") {
    CHECK(
        completed(
            "tools/list",
            R"({"resultType":"input_required","ttlMs":5,"cacheScope":"private",)"
            R"("_meta":{"io.modelcontextprotocol/serverInfo":{"name":"x","version":"2"},"k":1}})") ==
        R"({"resultType":"input_required","ttlMs":5,"cacheScope":"private",)"
        R"("_meta":{"io.modelcontextprotocol/serverInfo":{"name":"x","version":"2"},"k":1}})");
    CHECK(
        completed("ping", R"({"_meta":{"k":1}})") ==
        R"({"_meta":{"k":1,"io.modelcontextprotocol/serverInfo":{"name":"shop-mcp","version":"1"}},)"
        R"("resultType":"complete"})");
    CHECK(completed("ping", "[1]") == "[1]");  // not an object: left alone
  }
}

}  // namespace
}  // namespace shopmcp::testing
