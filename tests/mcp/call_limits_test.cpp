// Server::call_tool's bounds: a call that outlives the tool time limit, or is running at
// shutdown, is cancelled and ends with a tool error saying which, never a hang.
#include <doctest/doctest.h>

#include <chrono>
#include <stop_token>
#include <thread>

#include "mcp/server.h"
#include "mcp/tool_registry.h"

namespace shopmcp::testing {
namespace {

// A tool that runs until its context says cancelled (or 10 s pass, so a bug cannot hang).
mcp::Tool patient_tool() {
  mcp::Tool t;
  t.name = "wait_for_cancel";
  t.description = "waits until cancelled";
  t.input_schema.Parse(R"({"type":"object"})");
  t.handler = [](const rapidjson::Value&, mcp::ToolContext& ctx) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!ctx.cancelled()) {
      if (std::chrono::steady_clock::now() > give_up)
        return mcp::ToolResult::error("never stopped");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return mcp::ToolResult::error("The call was cancelled");
  };
  return t;
}

std::string run(const mcp::Server& server) {
  rapidjson::Document args(rapidjson::kObjectType);
  mcp::NullToolContext ctx;
  auto r = server.call_tool(mcp::ToolCall{"wait_for_cancel", &args}, ctx, "t1");
  REQUIRE(r.has_value());
  CHECK(r->is_error);
  return r->text;
}

}  // namespace

TEST_SUITE("mcp.call_limits") {
  TEST_CASE("a call that outlives the tool time limit ends with a tool error naming the limit") {
    mcp::ToolRegistry tools;
    tools.add(patient_tool());
    mcp::Server server(mcp::ServerInfo{"t", "", "1", "", ""}, tools);
    server.set_call_limits({std::chrono::milliseconds(2000), {}});
    const auto t0 = std::chrono::steady_clock::now();
    const std::string text = run(server);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
    CHECK(text.find("2 s, the server's time limit") != std::string::npos);
  }

  TEST_CASE("shutdown cancels a call in flight with a tool error saying so") {
    mcp::ToolRegistry tools;
    tools.add(patient_tool());
    mcp::Server server(mcp::ServerInfo{"t", "", "1", "", ""}, tools);
    std::stop_source shutdown;
    server.set_call_limits({std::chrono::milliseconds(60'000), shutdown.get_token()});
    std::jthread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      shutdown.request_stop();
    });
    const std::string text = run(server);
    CHECK(text.find("shutting down") != std::string::npos);
  }

  TEST_CASE("a call within its limits keeps the tool's own result") {
    mcp::ToolRegistry tools;
    mcp::Tool quick;
    quick.name = "quick";
    quick.description = "answers at once";
    quick.input_schema.Parse(R"({"type":"object"})");
    quick.handler = [](const rapidjson::Value&, mcp::ToolContext& ctx) {
      return ctx.cancelled() ? mcp::ToolResult::error("cancelled") : mcp::ToolResult::error("own");
    };
    tools.add(std::move(quick));
    mcp::Server server(mcp::ServerInfo{"t", "", "1", "", ""}, tools);
    server.set_call_limits({std::chrono::milliseconds(60'000), {}});
    rapidjson::Document args(rapidjson::kObjectType);
    mcp::NullToolContext ctx;
    auto r = server.call_tool(mcp::ToolCall{"quick", &args}, ctx, "t2");
    REQUIRE(r.has_value());
    CHECK(r->text == "own");
  }
}

}  // namespace shopmcp::testing
