// ToolRegistry: the tools a server offers, with their compiled input schemas. Tools are added
// before serving; afterwards every method is thread-safe (read-only).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/result.h"
#include "json/schema.h"
#include "mcp/tool.h"

namespace shopmcp::mcp {

class ToolRegistry {
 public:
  // Adds a tool; its name must be new and its input schema an object schema (bugs otherwise).
  void add(Tool tool);

  std::vector<std::string> names() const;
  bool has(std::string_view name) const;

  // The tools/list entries: {name, title?, description, inputSchema, outputSchema?}.
  rapidjson::Value list(rapidjson::Document::AllocatorType& a) const;

  // Validates `arguments` (null/absent = {}) and runs the tool. Unknown tool → not_found.
  // Arguments that break the schema → a tool error naming the field and the rule. Not timed or
  // counted: a client's call goes through mcp::Server::call_tool, which is.
  core::Result<ToolResult> call(std::string_view name, const rapidjson::Value* arguments,
                                ToolContext& ctx) const;

 private:
  struct Entry {
    Tool tool;
    std::unique_ptr<json::Schema> schema;
  };
  std::map<std::string, Entry, std::less<>> tools_;
  std::vector<std::string> order_;  // registration order, for tools/list
};

// What a tools/call names: the tool and its arguments (nullptr when absent or null; points into
// the params it was read from).
struct ToolCall {
  std::string name;
  const rapidjson::Value* arguments = nullptr;
};
// Reads {name, arguments?}: name a non-empty string, arguments an object or null. The error
// message says which member is wrong.
core::Result<ToolCall> read_tool_call(const rapidjson::Value& params);

// The result object of tools/call: {content: [...], structuredContent?, isError?}; content is
// [{type:"text",text}] unless the result carries its own blocks.
rapidjson::Document to_call_result(ToolResult r);

}  // namespace shopmcp::mcp
