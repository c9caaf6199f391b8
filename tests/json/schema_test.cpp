#include "json/schema.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "json/json.h"

namespace {

rapidjson::Document doc(const char* text) {
  auto d = shopmcp::json::parse(text);
  REQUIRE(d.has_value());
  return std::move(d).value();
}

constexpr const char* kSchema = R"({
  "type": "object", "additionalProperties": false, "required": ["kind"],
  "properties": {
    "kind": {"type": "string", "enum": ["a", "b"]},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    "day": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "min": {"type": "number", "minimum": 0}
  }})";

std::string error_of(const char* instance) {
  shopmcp::json::Schema s(doc(kSchema));
  auto r = s.validate(doc(instance));
  REQUIRE_FALSE(r.has_value());
  return r.error().message;
}

}  // namespace

TEST_SUITE("json.schema") {
  TEST_CASE("valid arguments pass") {
    shopmcp::json::Schema s(doc(kSchema));
    CHECK(s.validate(doc(R"({"kind":"a","limit":5,"day":"2025-01-31","min":0.5})")).has_value());
  }

  TEST_CASE("errors name the field and the rule") {
    CHECK(error_of(R"({"kind":"a","limit":101})") == "limit: must be from 1 to 100 (got 101)");
    CHECK(error_of(R"({"kind":"a","limit":0})") == "limit: must be from 1 to 100 (got 0)");
    CHECK(error_of(R"({"kind":"a","limit":"abc"})") == "limit: must be an integer (got \"abc\")");
    CHECK(error_of(R"({"kind":"a","limit":2.5})") == "limit: must be an integer (got 2.5)");
    CHECK(error_of(R"({"kind":"c"})") == "kind: must be one of: a, b (got \"c\")");
    CHECK(error_of(R"({"kind":"a","day":"yesterday"})") ==
          "day: must be a date in YYYY-MM-DD format (got \"yesterday\")");
    CHECK(error_of(R"({"kind":"a","min":-1})") == "min: must be at least 0 (got -1)");
  }

  TEST_CASE("missing required and unknown properties are named") {
    CHECK(error_of(R"({})") == "kind: is required");
    CHECK(error_of(R"({"kind":"a","limt":3})") ==
          "limt: unknown argument; allowed: kind, limit, day, min");
  }

  TEST_CASE("parse refuses invalid JSON, oversize text and deep nesting safely") {
    CHECK_FALSE(shopmcp::json::parse("{\"a\":").has_value());
    CHECK_FALSE(shopmcp::json::parse("{}", 1).has_value());
    CHECK_FALSE(shopmcp::json::parse("\"\xff\"").has_value());
    std::string deep(100000, '[');
    CHECK_FALSE(shopmcp::json::parse(deep).has_value());  // iterative parser: no stack overflow
  }

  TEST_CASE("pretty printing keeps UTF-8 text unescaped") {
    auto d = doc(R"({"name":"可口可樂"})");
    CHECK(shopmcp::json::to_pretty_string(d) == "{\n  \"name\": \"可口可樂\"\n}");
  }
}

TEST_SUITE("json.schema.threads") {
  TEST_CASE("a schema with a pattern validates from many threads at once") {
    rapidjson::Document d;
    d.Parse(R"({"type":"object","properties":{"date":{"type":"string",
               "pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}}})");
    const shopmcp::json::Schema schema(d);
    rapidjson::Document good, bad;
    good.Parse(R"({"date":"2025-01-31"})");
    bad.Parse(R"({"date":"31.01.2025"})");
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 2000; ++i) {
          if (!schema.validate(good).has_value()) wrong++;
          if (schema.validate(bad).has_value()) wrong++;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(wrong.load() == 0);
  }
}
