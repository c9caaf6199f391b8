#include "rpc/dispatcher.h"

#include <doctest/doctest.h>

#include <stdexcept>

#include "json/json.h"

using shopmcp::rpc::CallContext;
using shopmcp::rpc::Dispatcher;
using shopmcp::rpc::Outcome;

namespace {

Dispatcher make() {
  Dispatcher d;
  d.add("echo", [](const rapidjson::Value& params, CallContext&) {
    rapidjson::Document r;
    r.CopyFrom(params, r.GetAllocator());
    return Outcome::success(std::move(r));
  });
  d.add("boom", [](const rapidjson::Value&, CallContext&) -> Outcome {
    throw std::runtime_error("secret detail");
  });
  return d;
}

std::string reply(const Dispatcher& d, const char* text) {
  CallContext ctx;
  auto r = d.handle_text(text, ctx);
  return r ? shopmcp::json::to_string(*r) : "<none>";
}

}  // namespace

TEST_SUITE("rpc.dispatcher") {
  TEST_CASE("a request gets its result with the id echoed") {
    auto d = make();
    CHECK(reply(d, R"({"jsonrpc":"2.0","id":7,"method":"echo","params":{"a":1}})") ==
          R"({"jsonrpc":"2.0","id":7,"result":{"a":1}})");
    CHECK(reply(d, R"({"jsonrpc":"2.0","id":"x-1","method":"echo"})") ==
          R"({"jsonrpc":"2.0","id":"x-1","result":{}})");
  }

  TEST_CASE("malformed JSON answers -32700 with a null id") {
    auto d = make();
    const std::string r = reply(d, R"({"jsonrpc":"2.0",)");
    CHECK(r.find(R"("id":null,"error":{"code":-32700)") != std::string::npos);
  }

  TEST_CASE("a bad envelope answers -32600") {
    auto d = make();
    CHECK(reply(d, R"({"id":1,"method":"echo"})").find("-32600") != std::string::npos);
    CHECK(reply(d, R"({"jsonrpc":"1.0","id":1,"method":"echo"})").find("-32600") !=
          std::string::npos);
    CHECK(reply(d, R"({"jsonrpc":"2.0","id":1,"method":5})").find("-32600") != std::string::npos);
    CHECK(reply(d, R"({"jsonrpc":"2.0","id":{},"method":"echo"})").find("-32600") !=
          std::string::npos);
    CHECK(reply(d, R"({"jsonrpc":"2.0","id":1,"method":"echo","params":3})").find("-32600") !=
          std::string::npos);
    CHECK(reply(d, R"([1,2])").find("-32600") != std::string::npos);
    CHECK(reply(d, R"("text")").find("-32600") != std::string::npos);
  }

  TEST_CASE("unknown method answers -32601") {
    auto d = make();
    CHECK(reply(d, R"({"jsonrpc":"2.0","id":1,"method":"nope"})").find("-32601") !=
          std::string::npos);
  }

  TEST_CASE("a message without an id member is a notification and gets no response") {
    auto d = make();
    CHECK(reply(d, R"({"jsonrpc":"2.0","method":"echo"})") == "<none>");
    CHECK(reply(d, R"({"jsonrpc":"2.0","method":"unknown/notification"})") == "<none>");
  }

  TEST_CASE("a client's response to a server request gets no response") {
    auto d = make();
    CHECK(reply(d, R"({"jsonrpc":"2.0","id":3,"result":{}})") == "<none>");
  }

  TEST_CASE("a throwing handler answers -32603 without its details") {
    auto d = make();
    const std::string r = reply(d, R"({"jsonrpc":"2.0","id":1,"method":"boom"})");
    CHECK(r.find("-32603") != std::string::npos);
    CHECK(r.find("secret") == std::string::npos);
  }
}
