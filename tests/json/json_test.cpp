// json::parse refuses what would let client data hurt the process: nesting deeper than the limit
// (code that walks or serialises a value recurses per level), NUL bytes, and trailing text.
#include "json/json.h"

#include <doctest/doctest.h>

#include <string>

#include "rpc/dispatcher.h"

namespace {

std::string nested(std::size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

}  // namespace

TEST_SUITE("json.parse") {
  TEST_CASE("nesting up to the limit parses; one level more is refused with the offset") {
    using shopmcp::json::kMaxDepth;
    CHECK(shopmcp::json::parse(nested(kMaxDepth)).has_value());
    auto deep = shopmcp::json::parse(nested(kMaxDepth + 1));
    REQUIRE_FALSE(deep.has_value());
    CHECK(deep.error().message ==
          "invalid JSON at offset 64: arrays and objects nest deeper than 64 levels");
    CHECK_FALSE(shopmcp::json::parse(R"({"a":)" + nested(kMaxDepth) + "}").has_value());
    CHECK(shopmcp::json::parse(nested(3), 1024, 3).has_value());
    CHECK_FALSE(shopmcp::json::parse(nested(4), 1024, 3).has_value());
  }

  TEST_CASE("brackets inside strings, escaped quotes included, do not count as nesting") {
    const std::string inside = "[\"" + nested(200) + "\\\"" + nested(200) + "\"]";
    CHECK(shopmcp::json::parse(inside).has_value());
    const std::string after_escape = R"(["\\",)" + nested(70) + "]";
    CHECK_FALSE(shopmcp::json::parse(after_escape).has_value());  // the string ended at \\"
  }

  TEST_CASE("80,000 levels (160 KB) are refused at once, without recursing") {
    auto r = shopmcp::json::parse(nested(80000, '{', '}'));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("deeper than 64 levels") != std::string::npos);
    // The same through the dispatcher: a parse error for the client, no crash.
    shopmcp::rpc::Dispatcher d;
    shopmcp::rpc::CallContext ctx;
    const std::string request =
        R"({"jsonrpc":"2.0","id":)" + nested(80000) + R"(,"method":"ping"})";
    auto reply = d.handle_text(request, ctx);
    REQUIRE(reply.has_value());
    CHECK((*reply)["error"]["code"].GetInt() == -32700);
  }

  TEST_CASE("a NUL byte anywhere, and text after the value, are refused") {
    const std::string with_nul("{\"a\":1}\0garbage", 15);
    auto nul = shopmcp::json::parse(with_nul);
    REQUIRE_FALSE(nul.has_value());
    CHECK(nul.error().message.find("offset 7: a NUL byte") != std::string::npos);
    CHECK_FALSE(shopmcp::json::parse(std::string("\"a\0b\"", 5)).has_value());
    CHECK(shopmcp::json::parse(R"("a\u0000b")").has_value());  // escaped, it is fine
    CHECK_FALSE(shopmcp::json::parse(R"({"a":1} x)").has_value());
    CHECK(shopmcp::json::parse("{\"a\":1} \n").has_value());
  }

  TEST_CASE("a key twice in one object is refused naming the key, at any depth") {
    auto top = shopmcp::json::parse(R"({"limit":5,"limit":"abc"})");
    REQUIRE_FALSE(top.has_value());
    CHECK(top.error().message.find("the key 'limit' appears twice") != std::string::npos);
    auto deep = shopmcp::json::parse(R"({"params":{"arguments":[{"x":1,"y":2,"x":3}]}})");
    REQUIRE_FALSE(deep.has_value());
    CHECK(deep.error().message.find("'x'") != std::string::npos);
    // The same key in sibling objects, and keys differing only after a NUL, are fine.
    CHECK(shopmcp::json::parse(R"([{"a":1},{"a":2}])").has_value());
    CHECK(shopmcp::json::parse(R"({"a\u0000b":1,"a\u0000c":2})").has_value());
  }
}

TEST_SUITE("json.utf8") {
  TEST_CASE("answers that echo a client's text stay valid UTF-8") {
    // An unknown method named in 40 Chinese characters: the error message quotes 100 bytes of it.
    std::string name;
    for (int i = 0; i < 40; ++i) name += "\xE9\x99\xB3";
    shopmcp::rpc::Dispatcher d;
    shopmcp::rpc::CallContext ctx;
    auto reply = d.handle_text(R"({"jsonrpc":"2.0","id":1,"method":")" + name + R"("})", ctx);
    REQUIRE(reply.has_value());
    const std::string text = shopmcp::json::to_string(*reply);
    CHECK(shopmcp::core::is_valid_utf8(text));
    CHECK(shopmcp::json::parse(text).has_value());
    // Raw bytes that are not UTF-8 (a header, say) become U+FFFD in a JSON string.
    rapidjson::Document doc(rapidjson::kObjectType);
    doc.AddMember("h", shopmcp::json::str("host\xFF\xFE", doc.GetAllocator()), doc.GetAllocator());
    CHECK(shopmcp::json::to_string(doc) == "{\"h\":\"host\xEF\xBF\xBD\xEF\xBF\xBD\"}");
  }
}
