#include "conformance-server/fixture_tools.h"

#include <chrono>
#include <thread>

#include "conformance-server/fixture_media.h"
#include "json/json.h"
#include "mcp/content.h"

namespace shopmcp::app {
namespace {

using namespace std::chrono_literals;
using mcp::ToolContext;
using mcp::ToolResult;

rapidjson::Document doc(const char* text) {
  auto d = json::parse(text);
  MCP_CHECK(d.has_value());  // literals below
  return std::move(d).value();
}

ToolResult text(std::string t) {
  ToolResult r;
  r.text = std::move(t);
  return r;
}

void add(mcp::ToolRegistry& tools, const char* name, const char* description, const char* schema,
         std::function<ToolResult(const rapidjson::Value&, ToolContext&)> handler) {
  mcp::Tool t;
  t.name = name;
  t.description = description;
  t.input_schema = doc(schema);
  t.handler = std::move(handler);
  tools.add(std::move(t));
}

// A result made of the content blocks `build` adds to an array.
ToolResult blocks(const std::function<void(rapidjson::Value&, mcp::Allocator&)>& build) {
  rapidjson::Document d(rapidjson::kArrayType);
  build(d, d.GetAllocator());
  return ToolResult::of_content(std::move(d));
}

std::string arg(const rapidjson::Value& args, const char* key, const char* fallback) {
  auto it = args.FindMember(key);
  return it != args.MemberEnd() && it->value.IsString() ? it->value.GetString() : fallback;
}

// Asks the client (elicitation/create) with `schema` and reports its answer.
ToolResult elicit(ToolContext& ctx, const std::string& message, const char* schema) {
  rapidjson::Document p(rapidjson::kObjectType);
  auto& a = p.GetAllocator();
  p.AddMember("message", json::str(message, a), a);
  p.AddMember("requestedSchema", rapidjson::Value(doc(schema), a), a);
  auto r = ctx.ask_client("elicitation/create", std::move(p), 30s);
  if (!r) return ToolResult::error("Elicitation failed: " + r.error().message);
  return text("User response: " + json::to_string(*r));
}

}  // namespace

void add_fixture_tools(mcp::ToolRegistry& tools) {
  constexpr const char* kNoArgs = R"({"type":"object","properties":{}})";
  add(tools, "test_simple_text", "Returns a simple text answer", kNoArgs,
      [](const rapidjson::Value&, ToolContext&) {
        return text("This is a simple text response for testing.");
      });
  add(tools, "test_error_handling", "Always fails with a tool error (isError: true)", kNoArgs,
      [](const rapidjson::Value&, ToolContext&) {
        return ToolResult::error("This tool intentionally returns an error for testing");
      });
  add(tools, "test_tool_with_logging", "Sends three log messages while it runs", kNoArgs,
      [](const rapidjson::Value&, ToolContext& ctx) {
        for (const char* m :
             {"Tool execution started", "Tool processing data", "Tool execution completed"}) {
          rapidjson::Document d;
          d.SetString(m, d.GetAllocator());
          ctx.log(mcp::LogLevel::kInfo, "test_tool_with_logging", d);
          std::this_thread::sleep_for(50ms);
        }
        return text("Tool with logging executed successfully");
      });
  add(tools, "test_tool_with_progress", "Reports progress 0, 50 and 100 of 100", kNoArgs,
      [](const rapidjson::Value&, ToolContext& ctx) {
        for (double p : {0.0, 50.0, 100.0}) {
          ctx.progress(p, 100, "step " + std::to_string(static_cast<int>(p)));
          std::this_thread::sleep_for(50ms);
        }
        return text("Tool with progress executed successfully");
      });
  add(tools, "test_sampling", "Asks the client's model (sampling/createMessage)",
      R"({"type":"object","properties":{"prompt":{"type":"string"}}})",
      [](const rapidjson::Value& args, ToolContext& ctx) {
        rapidjson::Document p(rapidjson::kObjectType);
        auto& a = p.GetAllocator();
        rapidjson::Value msg(rapidjson::kObjectType);
        msg.AddMember("role", "user", a);
        rapidjson::Value content(rapidjson::kObjectType);
        content.AddMember("type", "text", a);
        content.AddMember("text", json::str(arg(args, "prompt", "Hello"), a), a);
        msg.AddMember("content", content, a);
        rapidjson::Value messages(rapidjson::kArrayType);
        messages.PushBack(msg, a);
        p.AddMember("messages", messages, a);
        p.AddMember("maxTokens", 100, a);
        auto r = ctx.ask_client("sampling/createMessage", std::move(p), 30s);
        if (!r) return ToolResult::error("Sampling failed: " + r.error().message);
        auto c = r->FindMember("content");
        if (c == r->MemberEnd() || !c->value.IsObject() || !c->value.HasMember("text") ||
            !c->value["text"].IsString()) {
          return ToolResult::error("Sampling answer has no text content");
        }
        return text(std::string("LLM response: ") + c->value["text"].GetString());
      });
  add(tools, "test_elicitation", "Asks the user for a username and an e-mail address",
      R"({"type":"object","properties":{"message":{"type":"string"}}})",
      [](const rapidjson::Value& args, ToolContext& ctx) {
        return elicit(ctx, arg(args, "message", "Please provide your information"),
                      R"({"type":"object","properties":{
                           "username":{"type":"string","description":"User's response"},
                           "email":{"type":"string","description":"User's email address"}},
                         "required":["username","email"]})");
      });
  add(tools, "test_elicitation_sep1034_defaults", "Elicitation whose fields carry defaults",
      kNoArgs, [](const rapidjson::Value&, ToolContext& ctx) {
        return elicit(ctx, "Please review your information",
                      R"({"type":"object","properties":{
                           "name":{"type":"string","default":"John Doe"},
                           "age":{"type":"integer","default":30},
                           "score":{"type":"number","default":95.5},
                           "status":{"type":"string","enum":["active","inactive","pending"],"default":"active"},
                           "verified":{"type":"boolean","default":true}}})");
      });
  add(tools, "test_elicitation_sep1330_enums", "Elicitation with every kind of enum field", kNoArgs,
      [](const rapidjson::Value&, ToolContext& ctx) {
        return elicit(ctx, "Please choose",
                      R"({"type":"object","properties":{
                           "untitledSingle":{"type":"string","enum":["a","b","c"]},
                           "titledSingle":{"type":"string","oneOf":[{"const":"a","title":"First"},{"const":"b","title":"Second"}]},
                           "legacyEnum":{"type":"string","enum":["a","b"],"enumNames":["First","Second"]},
                           "untitledMulti":{"type":"array","items":{"type":"string","enum":["a","b"]}},
                           "titledMulti":{"type":"array","items":{"anyOf":[{"const":"a","title":"First"},{"const":"b","title":"Second"}]}}}})");
      });
  add(tools, "test_reconnection",
      "Closes its stream before answering; the answer arrives when the client resumes", kNoArgs,
      [](const rapidjson::Value&, ToolContext& ctx) {
        ctx.close_stream();
        std::this_thread::sleep_for(100ms);
        return text("Reconnection test completed successfully");
      });
  add(tools, "test_image_content", "Returns an image (a 1x1 red PNG)", kNoArgs,
      [](const rapidjson::Value&, ToolContext&) {
        return blocks([](rapidjson::Value& c, mcp::Allocator& a) {
          c.PushBack(mcp::image_content(kRedPixelPng, "image/png", a), a);
        });
      });
  add(tools, "test_audio_content", "Returns audio (10 ms of a 440 Hz tone, WAV)", kNoArgs,
      [](const rapidjson::Value&, ToolContext&) {
        return blocks([](rapidjson::Value& c, mcp::Allocator& a) {
          c.PushBack(mcp::audio_content(kToneWav, "audio/wav", a), a);
        });
      });
  add(tools, "test_embedded_resource", "Returns an embedded text resource", kNoArgs,
      [](const rapidjson::Value&, ToolContext&) {
        return blocks([](rapidjson::Value& c, mcp::Allocator& a) {
          c.PushBack(mcp::embedded_resource(
                         mcp::ResourceContents::of_text("test://embedded-resource", "text/plain",
                                                        "This is an embedded resource content."),
                         a),
                     a);
        });
      });
  add(tools, "test_multiple_content_types", "Returns text, an image and an embedded resource",
      kNoArgs, [](const rapidjson::Value&, ToolContext&) {
        return blocks([](rapidjson::Value& c, mcp::Allocator& a) {
          c.PushBack(mcp::text_content("Multiple content types test:", a), a);
          c.PushBack(mcp::image_content(kRedPixelPng, "image/png", a), a);
          c.PushBack(mcp::embedded_resource(mcp::ResourceContents::of_text(
                                                "test://mixed-content-resource", "application/json",
                                                R"({"test":"data","value":123})"),
                                            a),
                     a);
        });
      });
  add(tools, "json_schema_2020_12_tool", "A tool whose input schema uses JSON Schema 2020-12",
      R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
          "$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
          "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"}},
          "additionalProperties":false})",
      [](const rapidjson::Value& args, ToolContext&) {
        return text("Received: " + json::to_string(args));
      });
}

}  // namespace shopmcp::app
