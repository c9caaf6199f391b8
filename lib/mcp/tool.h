// Tool and ToolResult: one MCP tool's description, schemas and handler, and what a call returns.
// Not thread-safe: one owner at a time (a registered Tool is then only read).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "json/schema.h"
#include "mcp/context.h"

namespace shopmcp::mcp {

// A call's result: the text a model reads and, on success, the same object as structuredContent;
// or content blocks of any kind (images, audio, embedded resources; see mcp/content.h).
struct ToolResult {
  std::string text;
  std::optional<rapidjson::Document> structured;
  std::optional<rapidjson::Document> content;  // an array of content blocks; replaces `text`
  bool is_error = false;

  // Success: `structured` becomes structuredContent and its pretty JSON the text content.
  static ToolResult success(rapidjson::Document structured);
  // A tool error (isError: true) with a message a model can act on.
  static ToolResult error(std::string message);
  // Content blocks as given (`blocks` is an array).
  static ToolResult of_content(rapidjson::Document blocks);
};

struct Tool {
  std::string name;
  std::string title;
  std::string description;
  rapidjson::Document input_schema;   // JSON Schema; arguments are validated against it
  rapidjson::Document output_schema;  // JSON Schema of structuredContent (empty = none)
  // Called with arguments that passed the input schema. Runs on a worker thread; must be
  // thread-safe. Throwing is a bug, reported to the client as an internal error.
  std::function<ToolResult(const rapidjson::Value& arguments, ToolContext& ctx)> handler;
};

}  // namespace shopmcp::mcp
