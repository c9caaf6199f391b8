#include "mcp/tool_registry.h"

#include "core/check.h"
#include "core/text.h"
#include "json/json.h"
#include "mcp/content.h"

namespace shopmcp::mcp {

ToolResult ToolResult::success(rapidjson::Document structured) {
  ToolResult r;
  r.text = json::to_pretty_string(structured);
  r.structured = std::move(structured);
  return r;
}

ToolResult ToolResult::error(std::string message) {
  ToolResult r;
  r.text = std::move(message);
  r.is_error = true;
  return r;
}

ToolResult ToolResult::of_content(rapidjson::Document blocks) {
  MCP_CHECK(blocks.IsArray());
  ToolResult r;
  r.content = std::move(blocks);
  return r;
}

void ToolRegistry::add(Tool tool) {
  MCP_CHECK(!tool.name.empty() && !tool.description.empty());
  MCP_CHECK(tools_.find(tool.name) == tools_.end());
  MCP_CHECK(tool.input_schema.IsObject());
  auto schema = std::make_unique<json::Schema>(tool.input_schema);
  std::string name = tool.name;
  order_.push_back(name);
  tools_.emplace(std::move(name), Entry{std::move(tool), std::move(schema)});
}

std::vector<std::string> ToolRegistry::names() const { return order_; }

bool ToolRegistry::has(std::string_view name) const { return tools_.find(name) != tools_.end(); }

rapidjson::Value ToolRegistry::list(rapidjson::Document::AllocatorType& a) const {
  rapidjson::Value arr(rapidjson::kArrayType);
  for (const std::string& n : order_) {
    const Tool& t = tools_.find(n)->second.tool;
    rapidjson::Value o(rapidjson::kObjectType);
    o.AddMember("name", json::str(t.name, a), a);
    if (!t.title.empty()) o.AddMember("title", json::str(t.title, a), a);
    o.AddMember("description", json::str(t.description, a), a);
    o.AddMember("inputSchema", rapidjson::Value(t.input_schema, a), a);
    if (t.output_schema.IsObject()) {
      o.AddMember("outputSchema", rapidjson::Value(t.output_schema, a), a);
    }
    arr.PushBack(o, a);
  }
  return arr;
}

core::Result<ToolResult> ToolRegistry::call(std::string_view name,
                                            const rapidjson::Value* arguments,
                                            ToolContext& ctx) const {
  auto it = tools_.find(name);
  if (it == tools_.end()) {
    std::string known;
    for (const std::string& n : order_) known += (known.empty() ? "" : ", ") + n;
    return core::not_found("Unknown tool: " + core::utf8_clip(name, 100) +
                           ". Available tools: " + known);
  }
  static const rapidjson::Value kEmpty(rapidjson::kObjectType);
  // 10.0 is an integer to JSON Schema and to clients, but the schema validator and the tools
  // read integers: validate and run on a copy whose whole doubles are integers.
  rapidjson::Document args;
  args.CopyFrom((arguments == nullptr || arguments->IsNull()) ? kEmpty : *arguments,
                args.GetAllocator());
  json::whole_doubles_to_integers(args);
  ToolResult r;
  if (auto ok = it->second.schema->validate(args); !ok) {
    r = ToolResult::error("Invalid arguments for " + it->second.tool.name + ": " +
                          ok.error().message);
  } else {
    r = it->second.tool.handler(args, ctx);
  }
  return r;
}

core::Result<ToolCall> read_tool_call(const rapidjson::Value& params) {
  if (!params.IsObject()) return core::invalid_argument("params must be an object");
  auto name = json::get_string(params, "name");
  if (!name) return name.error();
  if (!name->has_value() || (*name)->empty()) {
    return core::invalid_argument("\"name\" is required: the tool to call (see tools/list)");
  }
  ToolCall call{std::move(**name), nullptr};
  if (auto it = params.FindMember("arguments"); it != params.MemberEnd()) {
    if (!it->value.IsObject() && !it->value.IsNull()) {
      return core::invalid_argument("\"arguments\" must be an object");
    }
    call.arguments = &it->value;
  }
  return call;
}

rapidjson::Document to_call_result(ToolResult r) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  if (r.content) {
    d.AddMember("content", rapidjson::Value(*r.content, a), a);
  } else {
    rapidjson::Value content(rapidjson::kArrayType);
    content.PushBack(text_content(r.text, a), a);
    d.AddMember("content", content, a);
  }
  if (r.structured) d.AddMember("structuredContent", rapidjson::Value(*r.structured, a), a);
  if (r.is_error) d.AddMember("isError", true, a);
  return d;
}

}  // namespace shopmcp::mcp
